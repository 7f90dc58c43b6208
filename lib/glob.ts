import type { Backend, CallOptions } from './backend.js'
import { hasCode, S3FsError } from './errors.js'
import { listAll } from './listing.js'
import { childPath } from './paths.js'
import type { S3Path } from './url.js'

const META = /[*?[]/

export function hasGlobMeta(segment: string): boolean {
  return META.test(segment)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** `*`, `?` and `[...]` (`[!...]` or `[^...]` negated) within one segment; `**` across segments. */
export function globToRegExpSource(pattern: string): string {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*' && pattern[i + 1] === '*') {
      const slashAfter = pattern[i + 2] === '/'
      source += slashAfter ? '(?:.*/)?' : '.*'
      i += slashAfter ? 2 : 1
    } else if (c === '*') {
      source += '[^/]*'
    } else if (c === '?') {
      source += '[^/]'
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2)
      if (close === -1) {
        source += '\\['
        continue
      }
      let body = pattern.slice(i + 1, close)
      const negated = body.startsWith('!') || body.startsWith('^')
      if (negated) body = body.slice(1)
      source += `[${negated ? '^/' : ''}${body.replace(/\\/g, '\\\\').replace(/]/g, '\\]')}]`
      i = close
    } else {
      source += escapeRegExp(c)
    }
  }
  return source
}

export function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${globToRegExpSource(pattern)}$`)
}

/** The literal text a segment pattern starts with, which can narrow the listing prefix. */
function literalHead(segment: string): string {
  const at = segment.search(META)
  return at === -1 ? segment : segment.slice(0, at)
}

/** A pattern that cannot compile (a reversed range such as `[z-a]`) is the caller's error, found before any request. */
function checkPattern(path: S3Path): void {
  try {
    globToRegExp(path.key)
  } catch (error) {
    throw new S3FsError('EINVAL', `invalid glob pattern (${(error as Error).message})`, { op: 'glob', url: path.url, cause: error })
  }
}

/**
 * TensorFlow's GetMatchingPaths. Lists only under the longest literal prefix, one level at a time
 * (each level's directories in parallel, each listing narrowed by the segment's literal head), and
 * recursively only below a `**`. Returns matching files and directories as sorted URLs.
 */
export async function glob(backend: Backend, path: S3Path, options: CallOptions = {}): Promise<string[]> {
  checkPattern(path)
  const segments = path.key.split('/')
  const matches = new Set<string>()
  const toUrl = (key: string): string => `s3://${path.bucket}/${key}`

  const walk = async (dir: string, index: number): Promise<void> => {
    const segment = segments[index]!
    const last = index === segments.length - 1
    if (segment.includes('**')) {
      const rest = new RegExp(`^${globToRegExpSource(segments.slice(index).join('/'))}$`)
      const seen = new Set<string>()
      for await (const page of listAll(backend, childPath(path.bucket, dir + literalHead(segment)), '', options)) {
        for (const object of page.objects) {
          const relative = object.key.slice(dir.length)
          const parts = relative.split('/')
          for (let n = 1; n <= parts.length; n++) {
            const candidate = parts.slice(0, n).join('/')
            if (candidate === '' || seen.has(candidate)) continue
            seen.add(candidate)
            if (rest.test(candidate)) matches.add(toUrl(dir + candidate))
          }
        }
      }
      return
    }
    if (!hasGlobMeta(segment)) {
      if (!last) return walk(`${dir}${segment}/`, index + 1)
      try {
        await backend.stat(childPath(path.bucket, dir + segment), options)
        matches.add(toUrl(dir + segment))
      } catch (error) {
        if (!(hasCode(error, 'ENOENT'))) throw error
      }
      return
    }
    const regex = globToRegExp(segment)
    const subdirs: string[] = []
    for await (const page of listAll(backend, childPath(path.bucket, dir + literalHead(segment)), '/', options)) {
      for (const object of page.objects) {
        const name = object.key.slice(dir.length)
        if (last && name !== '' && regex.test(name)) matches.add(toUrl(object.key))
      }
      for (const prefix of page.prefixes) {
        const name = prefix.slice(dir.length, -1)
        if (!regex.test(name)) continue
        if (last) matches.add(toUrl(dir + name))
        else subdirs.push(prefix)
      }
    }
    await Promise.all(subdirs.map((sub) => walk(sub, index + 1)))
  }

  await walk('', 0)
  return [...matches].sort()
}
