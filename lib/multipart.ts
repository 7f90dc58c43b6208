import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

import type { Backend, CallOptions, CompletedPart, PartOptions, WriteOptions } from './backend.js'
import type { ChecksumAlgorithm } from './checksums.js'
import { abortError, S3FsError } from './errors.js'
import type { S3Path } from './url.js'

/** S3 takes at most this many parts in one upload. */
const MAX_PARTS = 10_000
// S3 dates an upload's Initiated to the second: a lost creation can look up to this much older than its retry.
const INITIATED_RESOLUTION_MS = 1000

/** Where each part of `size` bytes in parts of `partSize` begins. */
export function partStarts(size: number, partSize: number): number[] {
  return Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i * partSize)
}

/** The part size of an upload of `size` bytes: the configured one, larger when it would need more than 10 000 parts. */
export function uploadPartSize(size: number, configured: number): number {
  return Math.max(configured, Math.ceil(size / MAX_PARTS))
}

/** S3's ETag of a multipart object: the MD5 of its parts' binary MD5s, a dash and the part count. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5')
  for (const etag of partEtags) md5.update(Buffer.from(etag.replace(/"/g, ''), 'hex'))
  return `"${md5.digest('hex')}-${partEtags.length}"`
}

/** The ETag that uploading these bytes (in memory, or a local file) in parts of `partSize` gives. */
export async function multipartEtagOf(source: Uint8Array | string, size: number, partSize: number): Promise<string> {
  const partEtags: string[] = []
  const file = typeof source === 'string' ? await open(source, 'r') : undefined
  try {
    const chunk = file ? Buffer.allocUnsafe(Math.min(partSize, 8 * 1024 * 1024)) : undefined
    for (let start = 0; start < size; start += partSize) {
      const md5 = createHash('md5')
      const end = Math.min(size, start + partSize)
      if (typeof source !== 'string') md5.update(source.subarray(start, end))
      for (let at = start; file && chunk && at < end; ) {
        const { bytesRead } = await file.read(chunk, 0, Math.min(chunk.length, end - at), at)
        if (bytesRead === 0) break
        md5.update(chunk.subarray(0, bytesRead))
        at += bytesRead
      }
      partEtags.push(md5.digest('hex'))
    }
  } finally {
    await file?.close()
  }
  return multipartEtag(partEtags)
}

/** A multipart upload begun: its parts and completion carry its checksum, if it has one. */
export interface CreatedUpload {
  uploadId: string
  checksum: ChecksumAlgorithm | undefined
}

/**
 * Starts a multipart upload. A CreateMultipartUpload whose answer was lost still created an upload
 * that nobody would ever complete or abort; when the create had to be retried, the uploads of this
 * key that the server initiated just before ours (at most one per lost try) are found and aborted.
 * For the same reason the create itself is not cancelled by an abort: the call rejects at once,
 * and the upload the create makes is aborted when its id arrives.
 */
export async function createUpload(backend: Backend, path: S3Path, options?: WriteOptions): Promise<CreatedUpload> {
  const signal = options?.signal
  if (signal?.aborted) throw abortError('writeFile', path.url, signal.reason)
  const started = Date.now()
  const creating = backend.createMultipartUpload(path, { attributes: options?.attributes, checksummed: options?.checksummed })
  let onAbort: (() => void) | undefined
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  const created = await Promise.race([creating, aborted]).finally(() => signal?.removeEventListener('abort', onAbort!))
  if (created === undefined || signal?.aborted) {
    void creating.then(({ uploadId }) => abortUpload(backend, path, uploadId), () => undefined)
    throw abortError('writeFile', path.url, signal?.reason)
  }
  const { uploadId, attempts, checksum } = created
  if (attempts > 1) await abortLostCreations(backend, path, uploadId, attempts - 1, Date.now() - started)
  return { uploadId, checksum }
}

async function abortLostCreations(backend: Backend, path: S3Path, ours: string, lostTries: number, elapsedMs: number): Promise<void> {
  const uploads = (await backend.listMultipartUploads(path)).filter((upload) => upload.key === path.key)
  const mine = uploads.find((upload) => upload.uploadId === ours)
  if (mine === undefined) return
  const earliest = mine.initiatedMs - elapsedMs - INITIATED_RESOLUTION_MS
  const lost = uploads
    .filter((upload) => upload.uploadId !== ours && upload.initiatedMs <= mine.initiatedMs && upload.initiatedMs >= earliest)
    .sort((a, b) => b.initiatedMs - a.initiatedMs)
    .slice(0, lostTries)
  await Promise.all(lost.map((upload) => backend.abortMultipartUpload(path, upload.uploadId).catch(() => undefined)))
}

// After the engine's own retries, an abort is tried again over about 8 s: an upload whose abort
// fails while the server restarts would otherwise stay behind.
const ABORT_RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000]

/** Aborts an upload, also across a short outage; an upload already gone (completed, aborted) is fine. */
export async function abortUpload(backend: Backend, path: S3Path, uploadId: string): Promise<void> {
  for (const delay of [0, ...ABORT_RETRY_DELAYS_MS]) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    try {
      await backend.abortMultipartUpload(path, uploadId)
      return
    } catch (error) {
      if (error instanceof S3FsError && (error.s3Code === 'NoSuchUpload' || error.code === 'ENOENT')) return
    }
  }
}

/**
 * Completes a multipart upload. When a completion took effect but its answer was lost, the retry
 * finds no such upload; the object is then checked: if its ETag is the one these parts make, the
 * upload did complete.
 */
export async function completeUpload(backend: Backend, path: S3Path, uploadId: string, parts: CompletedPart[], options?: PartOptions): Promise<{ etag: string }> {
  try {
    return await backend.completeMultipartUpload(path, uploadId, parts, options)
  } catch (error) {
    const etag = multipartEtag(parts.map((part) => part.etag))
    if (await completedDespite(error, backend, path, etag, options)) return { etag }
    throw error
  }
}

/** Whether `error` is a NoSuchUpload of an upload that in fact completed into an object with this ETag. */
export async function completedDespite(error: unknown, backend: Backend, path: S3Path, etag: string | (() => Promise<string>), options?: CallOptions): Promise<boolean> {
  if (!(error instanceof S3FsError) || error.s3Code !== 'NoSuchUpload') return false
  const head = await backend.head(path, options).catch(() => undefined)
  if (head === undefined) return false
  const expected = typeof etag === 'string' ? etag : await etag()
  return head.etag.replace(/"/g, '') === expected.replace(/"/g, '')
}
