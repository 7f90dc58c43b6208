import type { Backend, CallOptions, CompletedPart, DeleteFailure, ListedObject, ObjectHead } from './backend.js'
import type { TransferOptions, TransferSummary } from './bulk-transfer.js'
import { deleteKeys } from './delete-keys.js'
import { refuseDirectoryTarget } from './directories.js'
import { hasCode, S3FsError } from './errors.js'
import { Limiter } from './limiter.js'
import { listObjects } from './listing.js'
import { abortUpload, completeUpload, createUpload, partStarts } from './multipart.js'
import { type ResolvedAttributes, resolveAttributes } from './object-attributes.js'
import { childPath, directoryPrefix } from './paths.js'
import type { S3Path } from './url.js'

const MAX_PARTS = 10_000

/** An existing object's attributes, to give a rewrite of it (or a copy made in parts). */
function attributesOf(head: ObjectHead): ResolvedAttributes {
  return {
    contentType: head.contentType ?? 'application/octet-stream',
    ...(head.cacheControl === undefined ? {} : { cacheControl: head.cacheControl }),
    ...(head.metadata === undefined ? {} : { metadata: head.metadata }),
  }
}
const MIN_PART = 5 * 1024 * 1024
const MAX_COPY_PART = 5 * 1024 * 1024 * 1024

export interface CopySettings {
  /** Objects above this size are copied as multipart (UploadPartCopy); S3's CopyObject stops at 5 GiB. */
  multipartCopyThreshold: number
  /** Part size of a multipart copy. */
  copyPartSize: number
  /** Parts or objects copied at once. */
  copyConcurrency: number
}

/**
 * Server-side copy of one object, pinned to the source's ETag so that a source replaced mid-copy
 * fails (ESTALE) instead of yielding a mix. Multipart above the threshold, parts in parallel;
 * a failed multipart copy is aborted.
 */
export async function copyObject(backend: Backend, source: S3Path, target: S3Path, settings: CopySettings, options: CallOptions = {}): Promise<void> {
  const head = await backend.head(source, options)
  const pinned = { ...options, ifMatch: head.etag }
  if (head.size <= settings.multipartCopyThreshold) {
    await backend.copyObject(source, target, pinned)
    return
  }
  const partSize = Math.min(MAX_COPY_PART, Math.max(MIN_PART, settings.copyPartSize, Math.ceil(head.size / MAX_PARTS)))
  // CopyObject keeps the source's attributes; a multipart copy sets them itself.
  const { uploadId } = await createUpload(backend, target, { ...options, attributes: attributesOf(head), checksummed: false })
  try {
    const parts = await new Limiter(settings.copyConcurrency).runAll(partStarts(head.size, partSize), async (start, i): Promise<CompletedPart> => {
      const range = { start, end: Math.min(head.size, start + partSize) - 1 }
      return { partNumber: i + 1, ...(await backend.uploadPartCopy(target, uploadId, i + 1, source, range, pinned)) }
    })
    await completeUpload(backend, target, uploadId, parts, options)
  } catch (error) {
    await abortUpload(backend, target, uploadId)
    throw error
  }
}

/**
 * fs.cp for S3: a file is one server-side copy; a directory (with `recursive`) every file under it,
 * copied to the same relative names under `target`, `concurrency` (default: copyConcurrency) at a time.
 */
export async function copyTree(backend: Backend, source: S3Path, target: S3Path, settings: CopySettings, options: TransferOptions & { recursive?: boolean } = {}): Promise<TransferSummary> {
  const st = await backend.stat(source, options)
  if (!st.isDirectory) {
    await refuseDirectoryTarget(backend, target, 'cp', options)
    await copyObject(backend, source, target, settings, options)
    options.onProgress?.({ file: source.url, skipped: false, filesDone: 1, filesTotal: 1, bytesDone: st.size, bytesTotal: st.size })
    return { files: 1, skipped: 0, bytes: st.size }
  }
  if (!options.recursive) throw new S3FsError('EISDIR', 'is a directory (cp copies a directory with { recursive: true })', { op: 'cp', url: source.url })
  const fromPrefix = directoryPrefix(source.key)
  const toPrefix = directoryPrefix(target.key)
  if (target.bucket === source.bucket && toPrefix.startsWith(fromPrefix)) {
    throw new S3FsError('EINVAL', `cannot copy a directory into itself (${target.url})`, { op: 'cp', url: source.url })
  }
  const objects = (await listObjects(backend, childPath(source.bucket, fromPrefix), options)).filter((o) => !o.key.endsWith('/'))
  const bytesTotal = objects.reduce((n, o) => n + o.size, 0)
  let bytesDone = 0
  let filesDone = 0
  await new Limiter(options.concurrency ?? settings.copyConcurrency).runAll(objects, async (object) => {
    const from = childPath(source.bucket, object.key)
    await copyObject(backend, from, childPath(target.bucket, toPrefix + object.key.slice(fromPrefix.length)), settings, options)
    bytesDone += object.size
    options.onProgress?.({ file: from.url, skipped: false, filesDone: ++filesDone, filesTotal: objects.length, bytesDone, bytesTotal })
  })
  return { files: objects.length, skipped: 0, bytes: bytesTotal }
}

export interface RenameFailure extends S3FsError {
  /** Keys now at the destination and gone from the source. */
  moved: string[]
  /** Keys still at the source. */
  notMoved: string[]
}

/**
 * Copy, then delete: not atomic, but a directory is never left split between source and target.
 * A file is one copy and one delete. A directory is every key under the prefix, copied in parallel:
 * when a copy fails (or the call is aborted) the copies made are deleted again and the source is as
 * it was (rolled back); once every key is copied the sources are deleted, and a delete that fails is
 * tried once more (finished). A failure of either kind says which keys moved (`moved`, `notMoved`).
 */
export async function rename(backend: Backend, source: S3Path, target: S3Path, settings: CopySettings, options: CallOptions = {}): Promise<void> {
  const st = await backend.stat(source, options)
  // Like fs.rename, a rename onto itself does nothing (a copy onto itself is S3's InvalidRequest).
  if (source.bucket === target.bucket && directoryPrefix(source.key) === directoryPrefix(target.key)) return
  if (!st.isDirectory) {
    await refuseDirectoryTarget(backend, target, 'rename', options)
    await copyObject(backend, source, target, settings, options)
    await backend.rm(source, options)
    return
  }
  if (source.key === '') throw new S3FsError('EPERM', 'a bucket root cannot be renamed', { op: 'rename', url: source.url })
  const fromPrefix = directoryPrefix(source.key)
  const toPrefix = directoryPrefix(target.key)
  if (target.bucket === source.bucket && toPrefix.startsWith(fromPrefix)) {
    throw new S3FsError('EINVAL', `cannot move a directory into itself (${target.url})`, { op: 'rename', url: source.url })
  }
  const objects = await listObjects(backend, childPath(source.bucket, fromPrefix), options)
  const keys = objects.map((object) => object.key)
  const targetKeyOf = (key: string): string => toPrefix + key.slice(fromPrefix.length)
  const limiter = new Limiter(settings.copyConcurrency)
  const results = await Promise.allSettled(
    objects.map((object) =>
      limiter.run(async (): Promise<unknown> => {
        const to = childPath(target.bucket, targetKeyOf(object.key))
        // A directory marker has no data to copy, and some servers cannot copy one (SeaweedFS keeps it
        // as a directory and answers NoSuchKey): it is written anew.
        if (object.key.endsWith('/') && object.size === 0) return backend.writeFile(to, new Uint8Array(0), options)
        return copyObject(backend, childPath(source.bucket, object.key), to, settings, options)
      }),
    ),
  )
  const firstRejection = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (firstRejection !== undefined) {
    const made = await copiesMade(backend, objects, results, (key) => childPath(target.bucket, targetKeyOf(key)))
    const left = await deleteAll(backend, target.bucket, made.map(targetKeyOf), target.url)
    const cause = firstRejection.reason as S3FsError
    const rolledBack = left.length === 0 ? 'the copies made were removed' : `${left.length} of the copies made could not be removed: ${left.map((f) => f.key).join(', ')}`
    throw renameFailure(cause.code ?? 'EIO', `nothing moved (a key could not be copied; ${rolledBack}): ${cause.message}`, source, cause, [], keys)
  }
  let undeleted = await deleteAll(backend, source.bucket, keys, source.url)
  if (undeleted.length > 0) undeleted = await deleteAll(backend, source.bucket, undeleted.map((failure) => failure.key), source.url)
  if (undeleted.length === 0) return
  const left = new Set(undeleted.map((failure) => failure.key))
  throw renameFailure(
    undeleted[0]!.code,
    `every key was copied to ${target.url}, but ${left.size} of ${keys.length} could not be removed from the source: ${undeleted[0]!.message}`,
    source,
    undefined,
    keys.filter((key) => !left.has(key)),
    keys.filter((key) => left.has(key)),
  )
}

/** Failures after which a copy may have been made all the same: the request may have reached the server. */
const UNCERTAIN = new Set(['ABORT_ERR', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EIO'])

/**
 * The source keys whose copies a rollback must remove: those that succeeded, and those whose failure
 * leaves it open (an abort, a lost answer) where the target now holds the source's ETag. A copy
 * refused outright is not removed: what the target holds under that name is not this rename's.
 */
async function copiesMade(backend: Backend, objects: ListedObject[], results: Array<PromiseSettledResult<unknown>>, targetOf: (key: string) => S3Path): Promise<string[]> {
  const made = await Promise.all(
    objects.map(async (object, i) => {
      const result = results[i]!
      if (result.status === 'fulfilled') return true
      if (!UNCERTAIN.has((result.reason as S3FsError).code ?? '')) return false
      const head = await backend.head(targetOf(object.key)).catch(() => undefined)
      return head !== undefined && head.etag === object.etag
    }),
  )
  return objects.filter((_, i) => made[i]).map((object) => object.key)
}

/**
 * Deletes keys of one bucket, 1000 to a batch; the keys that could not be deleted, a failed call's
 * keys included. A rename's rollback or finish, as an upload's abort: not stopped by the signal
 * that may have caused it, since stopping halfway would leave the directory split.
 */
async function deleteAll(backend: Backend, bucket: string, keys: string[], url: string): Promise<DeleteFailure[]> {
  const failures: DeleteFailure[] = []
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000)
    try {
      failures.push(...(await deleteKeys(backend, bucket, batch, url)))
    } catch (error) {
      const failure = error as S3FsError
      failures.push(...batch.map((key) => ({ key, code: failure.code ?? 'EIO', s3Code: failure.s3Code ?? '', message: failure.message })))
    }
  }
  return failures
}

function renameFailure(code: string, message: string, source: S3Path, cause: S3FsError | undefined, moved: string[], notMoved: string[]): RenameFailure {
  const error = new S3FsError(code, message, { op: 'rename', url: source.url, ...(cause ? { cause } : {}) }) as RenameFailure
  error.moved = moved
  error.notMoved = notMoved
  return error
}

/**
 * TensorFlow re-downloads and re-uploads the whole object to append. Here an existing object of at
 * least 5 MiB becomes the first part of a multipart upload by server-side copy (pinned to its
 * ETag), and only the new bytes travel; a smaller one is read and rewritten.
 */
export async function appendFile(backend: Backend, path: S3Path, data: Uint8Array, partSize: number, options: CallOptions = {}): Promise<void> {
  let head
  try {
    head = await backend.head(path, options)
  } catch (error) {
    if (hasCode(error, 'ENOENT')) {
      await backend.writeFile(path, data, { ...options, attributes: resolveAttributes(path.key, {}, 'appendFile', path.url) })
      return
    }
    throw error
  }
  if (data.length === 0) return
  // The object keeps its content type, cache control and metadata.
  const attributes = attributesOf(head)
  if (head.size < MIN_PART) {
    const existing = await backend.readFile(path, options)
    await backend.writeFile(path, Buffer.concat([existing, data]), { ...options, attributes })
    return
  }
  const { uploadId } = await createUpload(backend, path, { ...options, attributes, checksummed: false })
  try {
    const parts: CompletedPart[] = []
    if (head.size <= MAX_COPY_PART) {
      parts.push({ partNumber: 1, ...(await backend.uploadPartCopy(path, uploadId, 1, path, { start: 0, end: head.size - 1 }, { ...options, ifMatch: head.etag })) })
    } else {
      for (let start = 0; start < head.size; start += MAX_COPY_PART) {
        const end = Math.min(head.size, start + MAX_COPY_PART) - 1
        const partNumber = parts.length + 1
        parts.push({ partNumber, ...(await backend.uploadPartCopy(path, uploadId, partNumber, path, { start, end }, { ...options, ifMatch: head.etag })) })
      }
    }
    const copied = parts.length
    const uploaded = await new Limiter(4).runAll(partStarts(data.length, partSize), async (start, i): Promise<CompletedPart> => {
      const partNumber = copied + i + 1
      return { partNumber, ...(await backend.uploadPart(path, uploadId, partNumber, data.subarray(start, start + partSize), options)) }
    })
    parts.push(...uploaded)
    await completeUpload(backend, path, uploadId, parts, options)
  } catch (error) {
    await abortUpload(backend, path, uploadId)
    throw error
  }
}
