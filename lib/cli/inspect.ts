import { pipeline } from 'node:stream/promises'

import { S3FsError } from '../errors.js'
import type { S3FileSystem } from '../fs.js'
import { globToRegExp } from '../glob.js'
import type { ListEntry } from '../listing.js'
import { entryJson, longLine, sizeText } from './format.js'

export interface OutputOptions {
  json: boolean
  signal: AbortSignal
}

const write = (line: string): boolean => process.stdout.write(`${line}\n`)

/** What `url` names, as one entry: the file itself, for ls of a file. */
async function fileEntry(fs: S3FileSystem, url: string, signal: AbortSignal): Promise<ListEntry | undefined> {
  const st = await fs.stat(url, { signal })
  if (st.isDirectory()) return undefined
  const name = url.slice(url.lastIndexOf('/') + 1)
  return { url, name, size: st.size, mtime: st.mtime, mtimeMs: st.mtimeMs, ...(st.etag ? { etag: st.etag } : {}), isDirectory: () => false, isFile: () => true }
}

/** Entries as they are listed: one JSON array (streamed), long lines, or names. */
async function printEntries(entries: AsyncIterable<ListEntry>, options: OutputOptions & { long: boolean; human: boolean }): Promise<void> {
  let first = true
  if (options.json) process.stdout.write('[')
  for await (const entry of entries) {
    if (options.json) process.stdout.write(`${first ? '\n' : ',\n'}${JSON.stringify(entryJson(entry))}`)
    else write(options.long ? longLine(entry, options.human) : `${entry.name}${entry.isDirectory() ? '/' : ''}`)
    first = false
  }
  if (options.json) write(first ? ']' : '\n]')
}

export async function ls(fs: S3FileSystem, url: string, options: OutputOptions & { long: boolean; recursive: boolean; human: boolean }): Promise<void> {
  const file = await fileEntry(fs, url, options.signal)
  const entries = file ? (async function* () { yield file })() : fs.list(url, { recursive: options.recursive, signal: options.signal })
  await printEntries(entries, options)
}

export async function stat(fs: S3FileSystem, url: string, options: OutputOptions): Promise<void> {
  const st = await fs.stat(url, { signal: options.signal })
  const fields = {
    url,
    type: st.isDirectory() ? 'directory' : 'file',
    size: st.size,
    ...(st.isFile() ? { mtime: st.mtime.toISOString() } : {}),
    ...(st.etag ? { etag: st.etag } : {}),
  }
  if (options.json) write(JSON.stringify({ ...fields, ...(st.checksum ? { checksum: st.checksum } : {}) }))
  else {
    for (const [name, value] of Object.entries(fields)) write(`${`${name}:`.padEnd(6)} ${value}`)
    if (st.checksum) write(`checksum: ${st.checksum.algorithm} ${st.checksum.value} (${st.checksum.type === 'COMPOSITE' ? 'of its parts' : 'whole object'})`)
  }
}

export async function cat(fs: S3FileSystem, urls: string[], options: OutputOptions): Promise<void> {
  for (const url of urls) await pipeline(fs.createReadStream(url, { signal: options.signal }), process.stdout, { end: false })
}

/** Bytes under a directory: per entry directly under it (files, and directories' totals), then the total. */
export async function du(fs: S3FileSystem, url: string, options: OutputOptions & { summarize: boolean; human: boolean }): Promise<void> {
  const file = await fileEntry(fs, url, options.signal)
  const totals = new Map<string, { bytes: number; files: number }>()
  let bytes = 0
  let files = 0
  const entries = file ? [file] : fs.list(url, { recursive: true, signal: options.signal })
  for await (const entry of entries) {
    bytes += entry.size
    files++
    const slash = entry.name.indexOf('/')
    const top = slash === -1 ? entry.name : `${entry.name.slice(0, slash)}/`
    const total = totals.get(top) ?? { bytes: 0, files: 0 }
    total.bytes += entry.size
    total.files++
    totals.set(top, total)
  }
  if (options.json) {
    write(JSON.stringify({ url, bytes, files, ...(options.summarize ? {} : { entries: Object.fromEntries(totals) }) }))
    return
  }
  if (!options.summarize) for (const [name, total] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) write(`${sizeText(total.bytes, options.human).padEnd(12)} ${name}`)
  write(`${sizeText(bytes, options.human).padEnd(12)} ${url}`)
}

/** Files under a directory whose base name matches a glob pattern (every file without one). */
export async function find(fs: S3FileSystem, url: string, options: OutputOptions & { name?: string | undefined }): Promise<void> {
  let pattern: RegExp | undefined
  try {
    pattern = options.name === undefined ? undefined : globToRegExp(options.name)
  } catch (error) {
    throw new S3FsError('EINVAL', `invalid --name pattern (${(error as Error).message})`, { op: 'find', url, cause: error })
  }
  const matching = async function* (): AsyncGenerator<ListEntry> {
    for await (const entry of fs.list(url, { recursive: true, signal: options.signal })) {
      if (pattern === undefined || pattern.test(entry.name.slice(entry.name.lastIndexOf('/') + 1))) yield entry
    }
  }
  if (options.json) await printEntries(matching(), { ...options, long: false, human: false })
  else for await (const entry of matching()) write(entry.url)
}

export async function glob(fs: S3FileSystem, pattern: string, options: OutputOptions): Promise<void> {
  const urls = await fs.glob(pattern, { signal: options.signal })
  if (options.json) write(JSON.stringify(urls))
  else for (const url of urls) write(url)
}
