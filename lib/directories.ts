import type { Backend, CallOptions, DeleteFailure } from './backend.js'
import { deleteKeys } from './delete-keys.js'
import { hasCode, S3FsError } from './errors.js'
import { listAll } from './listing.js'
import { childPath, directoryPrefix, parentKey } from './paths.js'
import type { S3Path } from './url.js'

const DELETE_BATCH = 1000

export interface MkdirOptions extends CallOptions {
  recursive?: boolean
}

async function statOrUndefined(backend: Backend, path: S3Path, options?: CallOptions) {
  try {
    return await backend.stat(path, options)
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined
    throw error
  }
}

/**
 * A file cannot be written where a directory is (TensorFlow refuses too): S3 would take the key,
 * and the directory would then list as a file. One listing of a key under "name/".
 */
export async function refuseDirectoryTarget(backend: Backend, path: S3Path, op: string, options?: CallOptions): Promise<void> {
  const page = await backend.listPage(childPath(path.bucket, directoryPrefix(path.key)), '', '', 1, options)
  if (page.objects.length > 0 || page.prefixes.length > 0) {
    throw new S3FsError('EISDIR', 'illegal operation on a directory', { op, url: path.url })
  }
}

/**
 * TensorFlow's CreateDir: writes the `dir/` marker. S3 needs no parents, but like a filesystem a
 * non-recursive mkdir wants its parent to exist and the path not to.
 */
export async function mkdir(backend: Backend, path: S3Path, options: MkdirOptions = {}): Promise<void> {
  const existing = await statOrUndefined(backend, path, options)
  if (path.key === '' && existing === undefined) {
    throw new S3FsError('ENOENT', 'no such bucket', { op: 'mkdir', url: path.url, s3Code: 'NoSuchBucket' })
  }
  if (existing !== undefined) {
    if (existing.isDirectory && options.recursive) return
    throw new S3FsError('EEXIST', existing.isDirectory ? 'directory already exists' : 'a file of that name exists', { op: 'mkdir', url: path.url })
  }
  const parent = parentKey(path.key)
  if (!options.recursive && parent !== '') {
    const parentStat = await statOrUndefined(backend, childPath(path.bucket, parent), options)
    if (parentStat === undefined) throw new S3FsError('ENOENT', 'the parent directory does not exist', { op: 'mkdir', url: path.url })
    if (!parentStat.isDirectory) throw new S3FsError('ENOTDIR', 'the parent is a file', { op: 'mkdir', url: path.url })
  }
  await backend.writeFile(childPath(path.bucket, directoryPrefix(path.key)), new Uint8Array(0), options)
}

/** Removes an empty directory (its marker); ENOTEMPTY when anything is under it. */
export async function rmdir(backend: Backend, path: S3Path, options: CallOptions = {}): Promise<void> {
  if (path.key === '') throw new S3FsError('EPERM', 'a bucket root cannot be removed', { op: 'rmdir', url: path.url })
  const prefix = directoryPrefix(path.key)
  const page = await backend.listPage(childPath(path.bucket, prefix), '/', '', 2, options)
  const others = page.objects.filter((o) => o.key !== prefix).length + page.prefixes.length
  if (others > 0) throw new S3FsError('ENOTEMPTY', 'directory not empty', { op: 'rmdir', url: path.url })
  if (page.objects.length === 0) {
    const st = await statOrUndefined(backend, path, options)
    if (st !== undefined && !st.isDirectory) throw new S3FsError('ENOTDIR', 'not a directory', { op: 'rmdir', url: path.url })
    throw new S3FsError('ENOENT', 'no such file or directory', { op: 'rmdir', url: path.url })
  }
  await deleteAll(backend, path, [prefix], options)
}

async function deleteAll(backend: Backend, path: S3Path, keys: string[], options: CallOptions): Promise<void> {
  const failures = await deleteKeys(backend, path.bucket, keys, path.url, options)
  if (failures.length > 0) throw deleteError(path, failures, keys.length)
}

function deleteError(path: S3Path, failures: DeleteFailure[], attempted: number): S3FsError {
  const first = failures[0]!
  const error = new S3FsError(first.code, `${failures.length} of ${attempted} keys could not be deleted (first: ${first.key}: ${first.s3Code} ${first.message})`, {
    op: 'rm',
    url: path.url,
    s3Code: first.s3Code,
  })
  return Object.assign(error, { failures })
}

/**
 * Everything at and under a path: the object itself and every key under `path/`, listed page by
 * page and deleted 1000 keys per request while the next page is listed. Per-key failures are
 * collected and reported together on the error's `failures`.
 */
export async function removeTree(backend: Backend, path: S3Path, options: CallOptions = {}): Promise<void> {
  const failures: DeleteFailure[] = []
  const deletions: Array<Promise<void>> = []
  let found = 0
  const flush = (keys: string[]): void => {
    found += keys.length
    deletions.push(deleteKeys(backend, path.bucket, keys, path.url, options).then((f) => void failures.push(...f)))
  }
  if (path.key !== '' && !path.key.endsWith('/')) {
    try {
      await backend.head(path, options)
      flush([path.key])
    } catch (error) {
      if (!(hasCode(error, 'ENOENT'))) throw error
    }
  }
  for await (const page of listAll(backend, childPath(path.bucket, directoryPrefix(path.key)), '', options)) {
    const keys = page.objects.map((o) => o.key)
    for (let i = 0; i < keys.length; i += DELETE_BATCH) flush(keys.slice(i, i + DELETE_BATCH))
  }
  await Promise.all(deletions)
  if (found === 0 && path.key !== '') throw new S3FsError('ENOENT', 'no such file or directory', { op: 'rm', url: path.url })
  if (failures.length > 0) throw deleteError(path, failures, found)
}
