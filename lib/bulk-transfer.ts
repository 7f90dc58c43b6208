import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readdir, stat } from 'node:fs/promises'
import path from 'node:path'

import type { Backend, CallOptions } from './backend.js'
import { computeChecksum, type StoredChecksum } from './checksums.js'
import { hasCode, invalidArgType, localFileError, outOfRange, S3FsError } from './errors.js'
import { Limiter } from './limiter.js'
import { listObjects } from './listing.js'
import { multipartEtagOf, uploadPartSize } from './multipart.js'
import { type ObjectAttributes, resolveAttributes } from './object-attributes.js'
import { childPath, directoryPrefix } from './paths.js'
import type { S3Path } from './url.js'

export interface TransferProgress {
  /** The local path of the file that moved bytes or just finished. */
  file: string
  skipped: boolean
  filesDone: number
  filesTotal: number
  bytesDone: number
  bytesTotal: number
}

export interface TransferOptions extends CallOptions {
  /** Files transferred at once; default 8. */
  concurrency?: number
  onProgress?: (progress: TransferProgress) => void
}

/** An upload's options: its objects get these attributes (the content type guessed per file unless given). */
export interface UploadOptions extends TransferOptions, ObjectAttributes {}

export interface TransferSummary {
  files: number
  /** Files left alone because size and content (checksum, else ETag) already matched. */
  skipped: number
  bytes: number
}

/**
 * The ETag S3 gives a file uploaded by this library: the MD5 of the content for a single PUT
 * (below the part size), else the MD5 of the parts' MD5s and the part count.
 */
export async function localETag(file: string, size: number, partSize: number): Promise<string> {
  if (size >= partSize) return multipartEtagOf(file, size, uploadPartSize(size, partSize))
  const whole = createHash('md5')
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) whole.update(chunk)
  return `"${whole.digest('hex')}"`
}

/** What identifies an object's content: the full-object checksum it keeps, else its ETag. */
interface RemoteContent {
  size: number
  etag?: string | undefined
  checksum?: StoredChecksum | undefined
}

/**
 * Whether a local file holds an object's content. The object's full-object checksum decides when
 * it keeps one; otherwise its ETag, compared with the one this library's upload of the file would
 * give (an ETag is an MD5 only for a single PUT without SSE-KMS, so it decides only without a checksum).
 */
async function holdsContent(file: string, remote: RemoteContent, partSize: number): Promise<boolean> {
  try {
    const st = await stat(file)
    if (!st.isFile() || st.size !== remote.size) return false
    if (remote.checksum?.type === 'FULL_OBJECT') {
      const chunks = createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>
      return (await computeChecksum(remote.checksum.algorithm, chunks)) === remote.checksum.value
    }
    return remote.etag !== undefined && (await localETag(file, remote.size, partSize)) === remote.etag
  } catch {
    return false
  }
}

/** Whether a local file of this size is there: only then is it worth asking an object for its checksum. */
async function sizeMatches(file: string, size: number): Promise<boolean> {
  const st = await stat(file).catch(() => undefined)
  return st !== undefined && st.isFile() && st.size === size
}

interface Job extends RemoteContent {
  local: string
  remote: S3Path
}

type Transfer = (job: Job, onBytes: (bytesDone: number) => void) => Promise<boolean>

/**
 * Runs the jobs `concurrency` at a time. `onProgress` hears of bytes as they move (bytesDone counts
 * finished files and the parts of those in flight) and of each file as it finishes.
 */
async function runJobs(jobs: Job[], options: TransferOptions, transfer: Transfer): Promise<TransferSummary> {
  const limiter = new Limiter(options.concurrency ?? 8)
  const bytesTotal = jobs.reduce((n, j) => n + j.size, 0)
  const summary: TransferSummary = { files: 0, skipped: 0, bytes: 0 }
  const inFlight = new Map<Job, number>()
  let bytesFinished = 0
  const report = (file: string, skipped: boolean): void => {
    let bytesDone = bytesFinished
    for (const n of inFlight.values()) bytesDone += n
    options.onProgress?.({ file, skipped, filesDone: summary.files, filesTotal: jobs.length, bytesDone, bytesTotal })
  }
  await limiter.runAll(jobs, async (job) => {
    const moved = await transfer(job, (n) => {
      inFlight.set(job, Math.min(n, job.size))
      report(job.local, false)
    })
    inFlight.delete(job)
    summary.files++
    bytesFinished += job.size
    if (moved) summary.bytes += job.size
    else summary.skipped++
    report(job.local, !moved)
  })
  return summary
}

/**
 * One object into a local file unless the file already holds it (size, then checksum or ETag);
 * whether it moved. A listing gives no checksums: a HEAD asks for it when a file of that size is there.
 */
async function downloadJob(backend: Backend, job: Job, partSize: number, options: CallOptions, onBytes: (bytesDone: number) => void): Promise<boolean> {
  if (await sizeMatches(job.local, job.size)) {
    // A job from a stat has its checksum (or none) already; one from a listing has not asked.
    const remote = 'checksum' in job ? job : { ...job, checksum: (await backend.head(job.remote, options)).checksum }
    if (await holdsContent(job.local, remote, partSize)) return false
  }
  await mkdir(path.dirname(job.local), { recursive: true }).catch((error: unknown) => {
    throw localFileError(error, 'download', path.dirname(job.local), job.remote.url)
  })
  await backend.download(job.remote, job.local, { ...options, onBytes })
  return true
}

/** One local file into an object unless the object already holds it (size, then checksum or ETag); whether it moved. */
async function uploadJob(backend: Backend, job: Job, partSize: number, options: UploadOptions, onBytes: (bytesDone: number) => void): Promise<boolean> {
  const existing = await backend.head(job.remote, options).catch((error: unknown) => {
    if (hasCode(error, 'ENOENT')) return undefined
    throw error
  })
  if (existing !== undefined && (await holdsContent(job.local, existing, partSize))) return false
  const attributes = resolveAttributes(job.remote.key, options, 'upload', job.remote.url)
  await backend.upload(job.local, job.size, job.remote, { signal: options.signal, onBytes, attributes })
  return true
}

/** One file each way, as the directory transfers do it: skipped when unchanged, progress by bytes. */
export function downloadFile(backend: Backend, remote: S3Path, local: string, object: RemoteContent, partSize: number, options: TransferOptions = {}): Promise<TransferSummary> {
  const job: Job = { local, remote, size: object.size, etag: object.etag, checksum: object.checksum }
  return runJobs([job], options, (j, onBytes) => downloadJob(backend, j, partSize, options, onBytes))
}

export function uploadFile(backend: Backend, local: string, size: number, remote: S3Path, partSize: number, options: UploadOptions = {}): Promise<TransferSummary> {
  return runJobs([{ local, remote, size }], options, (job, onBytes) => uploadJob(backend, job, partSize, options, onBytes))
}

/** Checked before any request: a concurrency below one would never start a transfer. */
export function checkTransferOptions(options: TransferOptions): void {
  const { concurrency, onProgress } = options
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1)) {
    throw outOfRange('concurrency', 'an integer >= 1', concurrency)
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalidArgType('options.onProgress', 'a function', onProgress)
}

/** Every object under a prefix into a local directory, in parallel, skipping files already there. */
export async function downloadTree(backend: Backend, prefix: S3Path, localDir: string, partSize: number, options: TransferOptions = {}): Promise<TransferSummary> {
  const base = directoryPrefix(prefix.key)
  const objects = (await listObjects(backend, childPath(prefix.bucket, base), options)).filter((o) => !o.key.endsWith('/'))
  const jobs = objects.map((o) => ({
    local: path.join(localDir, ...o.key.slice(base.length).split('/')),
    remote: childPath(prefix.bucket, o.key),
    size: o.size,
    etag: o.etag,
  }))
  for (const job of jobs) {
    if (!path.resolve(job.local).startsWith(path.resolve(localDir) + path.sep)) {
      throw new S3FsError('EINVAL', `key ${job.remote.key} would be written outside ${localDir}`, { op: 'download', url: job.remote.url })
    }
  }
  return runJobs(jobs, options, (job, onBytes) => downloadJob(backend, job, partSize, options, onBytes))
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.isFile() ? Promise.resolve([path.join(dir, e.name)]) : Promise.resolve([]))),
  )
  return nested.flat()
}

/** Every file under a local directory to keys under a prefix, in parallel, skipping objects already there. */
export async function uploadTree(backend: Backend, localDir: string, prefix: S3Path, partSize: number, options: UploadOptions = {}): Promise<TransferSummary> {
  const base = directoryPrefix(prefix.key)
  const files = await walk(localDir).catch((error: unknown) => {
    throw localFileError(error, 'upload', (error as NodeJS.ErrnoException).path ?? localDir, prefix.url)
  })
  const jobs = await Promise.all(
    files.map(async (file) => ({
      local: file,
      remote: childPath(prefix.bucket, base + path.relative(localDir, file).split(path.sep).join('/')),
      // A file gone since the walk (another process's temporary file) is the caller's to hear of.
      size: (await stat(file).catch((error: unknown) => {
        throw localFileError(error, 'upload', file, prefix.url)
      })).size,
    })),
  )
  return runJobs(jobs, options, (job, onBytes) => uploadJob(backend, job, partSize, options, onBytes))
}
