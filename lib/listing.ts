import type { Backend, CallOptions, ListedObject, ListPage } from './backend.js'
import { childPath, directoryPrefix } from './paths.js'
import type { S3Path } from './url.js'

/** One entry of `list()`: a file, or (when not recursive) a directory under the listed one. */
export interface ListEntry {
  url: string
  /** The path below the listed directory ("a/b.bin" when recursive). */
  name: string
  /** 0 for a directory. */
  size: number
  mtime: Date
  mtimeMs: number
  etag?: string
  isDirectory(): boolean
  isFile(): boolean
}

/** Every page of a listing, in order. */
export async function* listAll(
  backend: Backend,
  path: S3Path,
  delimiter: string,
  options?: CallOptions,
): AsyncGenerator<ListPage> {
  let token = ''
  do {
    const page = await backend.listPage(path, delimiter, token, 1000, options)
    yield page
    token = page.nextToken ?? ''
  } while (token !== '')
}

/** Every object under a prefix, recursively. */
export async function listObjects(backend: Backend, path: S3Path, options?: CallOptions): Promise<ListedObject[]> {
  const objects: ListedObject[] = []
  for await (const page of listAll(backend, path, '', options)) objects.push(...page.objects)
  return objects
}

/**
 * The entries under a directory, a page (1000 keys) at a time as they are consumed: the files of
 * the whole tree when `recursive`, else the files and directories directly under it.
 */
export async function* listEntries(backend: Backend, path: S3Path, recursive: boolean, options?: CallOptions): AsyncGenerator<ListEntry> {
  const base = directoryPrefix(path.key)
  for await (const page of listAll(backend, childPath(path.bucket, base), recursive ? '' : '/', options)) {
    for (const prefix of page.prefixes) {
      yield { url: `s3://${path.bucket}/${prefix}`, name: prefix.slice(base.length, -1), size: 0, mtime: new Date(0), mtimeMs: 0, isDirectory: () => true, isFile: () => false }
    }
    for (const object of page.objects) {
      // Directory markers ("dir/") are not files; a recursive listing shows the files under them.
      if (object.key.endsWith('/')) continue
      yield {
        url: `s3://${path.bucket}/${object.key}`,
        name: object.key.slice(base.length),
        size: object.size,
        mtime: new Date(object.mtimeMs),
        mtimeMs: object.mtimeMs,
        ...(object.etag ? { etag: object.etag } : {}),
        isDirectory: () => false,
        isFile: () => true,
      }
    }
  }
}
