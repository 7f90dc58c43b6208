import { setMaxListeners } from 'node:events'
import { createReadStream } from 'node:fs'
import { type FileHandle, open, rename, rm } from 'node:fs/promises'
import type { Readable } from 'node:stream'

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'

import type {
  Backend,
  CallOptions,
  CompletedPart,
  DeleteFailure,
  DirEntry,
  FileStat,
  ListPage,
  MultipartUploadEntry,
  ObjectHead,
  ReadOptions,
  PartOptions,
  TransferCallOptions,
  UploadedPart,
  WriteOptions,
} from '../backend.js'
import { type ChecksumAlgorithm, type StoredChecksum, algorithmOf, computeChecksum, multipartChecksumType, storedChecksum, WIRE_NAMES } from '../checksums.js'
import { endpointOf, UploadChecksum } from '../checksum-support.js'
import type { ResolvedConfig } from '../config.js'
import { abortError, codeForS3Error, hasCode, localFileError, S3FsError } from '../errors.js'
import { Limiter } from '../limiter.js'
import { partStarts, uploadPartSize } from '../multipart.js'
import type { ResolvedAttributes } from '../object-attributes.js'
import { uploadInParts } from '../parted-upload.js'
import { childPath, directoryPrefix } from '../paths.js'
import { copySource } from '../s3-query.js'
import type { S3Path } from '../url.js'
import { RegionalClients } from './regional-clients.js'
import { errorFromSdk } from './errors.js'
import { verifyChecksum } from './verify-checksum.js'


/** The checksum fields of the SDK's results. */
interface SdkChecksums {
  ChecksumCRC64NVME?: string
  ChecksumCRC32C?: string
  ChecksumCRC32?: string
  ChecksumSHA256?: string
  ChecksumType?: string
}

function storedChecksumOf(result: SdkChecksums): StoredChecksum | undefined {
  return storedChecksum((algorithm) => result[`Checksum${WIRE_NAMES[algorithm]}`], result.ChecksumType)
}
const READ_ATTEMPTS = 3
const READ_PARALLELISM = 8
const UPLOAD_PARALLELISM = 4
// After a cleanup request ends on a closed filesystem, how long the client waits for the next one.
const CLEANUP_GRACE_MS = 100

/** An object's attributes as the SDK's PutObject and CreateMultipartUpload take them. */
function sdkAttributes(attributes: ResolvedAttributes | undefined): { ContentType: string; CacheControl?: string; Metadata?: Record<string, string> } {
  return {
    ContentType: attributes?.contentType ?? 'application/octet-stream',
    ...(attributes?.cacheControl === undefined ? {} : { CacheControl: attributes.cacheControl }),
    ...(attributes?.metadata === undefined ? {} : { Metadata: attributes.metadata }),
  }
}

/**
 * The same filesystem on @aws-sdk/client-s3, for machines where the
 * native addon cannot load and as the benchmark baseline. Semantics and error codes follow the
 * native engine's (binding/fs/); the conformance suite runs every behavioral test on both.
 */
export class JsBackend implements Backend {
  readonly name = 'js' as const
  readonly #clients: RegionalClients
  readonly #config: ResolvedConfig
  /** What every upload carries for the server to verify (config.checksum, until the server refuses checksums). */
  readonly #uploadChecksum: UploadChecksum
  /** host:port of the endpoint, for errors from a server that does not speak S3. */
  readonly endpoint: string
  #closed = false
  /** Aborted by close(): requests in flight then end with ABORT_ERR, as the native backend's do. */
  readonly #closing = new AbortController()
  #destroyed = false
  /** Cleanup requests in flight: the client is destroyed only when they have ended. */
  #cleanups = 0

  constructor(config: ResolvedConfig) {
    this.#config = config
    this.endpoint = endpointOf(config)
    this.#uploadChecksum = new UploadChecksum(algorithmOf(config.checksum), this.endpoint)
    this.#clients = new RegionalClients(config)
    // One listener per request in flight, thousands at a time: not a leak.
    setMaxListeners(0, this.#closing.signal)
  }

  /** `cleanup`: a request that leaves nothing behind (create or abort an upload), which close() lets finish. */
  async #send<T>(op: string, url: string, command: object, options?: CallOptions, cleanup = false): Promise<T> {
    if (options?.signal?.aborted) throw abortError(op, url, options.signal.reason)
    if (this.#destroyed || (this.#closed && !cleanup)) throw new S3FsError('EBADF', 'the file system was closed', { op, url })
    const closable = cleanup ? undefined : this.#closableSignal(options?.signal)
    const signal = closable?.signal ?? options?.signal
    const bucket = (command as { input?: { Bucket?: string } }).input?.Bucket
    const sendFor = (region: string): Promise<unknown> => {
      const client = this.#clients.client(region)
      return (client.send.bind(client) as (command: object, options: object) => Promise<unknown>)(command, signal ? { abortSignal: signal } : {})
    }
    const signedFor = this.#clients.regionOf(bucket)
    const running = sendFor(signedFor).catch((error: unknown) => {
      const region = this.#clients.redirect(error, command, bucket, signedFor)
      if (region === undefined) throw error
      return sendFor(region)
    })
    if (cleanup) {
      this.#cleanups++
      void running.then(
        () => this.#cleanupEnded(),
        () => this.#cleanupEnded(),
      )
    }
    try {
      return (await running) as T
    } catch (error) {
      if (options?.signal?.aborted) throw abortError(op, url, options.signal.reason)
      if (closable?.signal.aborted) throw new S3FsError('ABORT_ERR', 'the file system was closed', { op, url })
      throw errorFromSdk(error, op, url, this.endpoint)
    } finally {
      closable?.release()
    }
  }

  /** The caller's signal, if any, joined with close()'s; release() drops the listeners it added. */
  #closableSignal(callerSignal: AbortSignal | undefined): { signal: AbortSignal; release: () => void } {
    const joined = new AbortController()
    const sources = callerSignal ? [callerSignal, this.#closing.signal] : [this.#closing.signal]
    const onAbort = (event: Event): void => joined.abort((event.target as AbortSignal).reason)
    for (const source of sources) {
      if (source.aborted) joined.abort(source.reason)
      else source.addEventListener('abort', onAbort, { once: true })
    }
    return { signal: joined.signal, release: () => sources.forEach((source) => source.removeEventListener('abort', onAbort)) }
  }

  #cleanupEnded(): void {
    this.#cleanups--
    // A moment's grace: a create that ended is followed at once by the abort of its upload.
    if (this.#closed) setTimeout(() => this.#cleanups === 0 && this.#destroy(), CLEANUP_GRACE_MS).unref()
  }

  #destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#clients.destroy()
  }

  /** HEAD; a failure other than 404 is looked up with a one-byte GET, since HEAD errors carry no S3 code. */
  async #head(op: string, path: S3Path, options?: CallOptions): Promise<ObjectHead> {
    try {
      const head = await this.#send<{ ContentLength?: number; LastModified?: Date; ETag?: string; ContentType?: string; CacheControl?: string; Metadata?: Record<string, string> } & SdkChecksums>(
        op,
        path.url,
        new HeadObjectCommand({ Bucket: path.bucket, Key: path.key, ChecksumMode: 'ENABLED' }),
        options,
      )
      return {
        size: head.ContentLength ?? 0,
        mtimeMs: head.LastModified?.getTime() ?? 0,
        etag: head.ETag ?? '',
        checksum: storedChecksumOf(head),
        ...(head.ContentType ? { contentType: head.ContentType } : {}),
        ...(head.CacheControl ? { cacheControl: head.CacheControl } : {}),
        metadata: head.Metadata ?? {},
      }
    } catch (error) {
      if (!(error instanceof S3FsError) || error.httpStatus === undefined || error.httpStatus === 404 || error.httpStatus < 400) throw error
      const detailed = await this.#send(op, path.url, new GetObjectCommand({ Bucket: path.bucket, Key: path.key, Range: 'bytes=0-0' }), options).then(
        () => error,
        (probe: unknown) => (probe instanceof S3FsError && probe.s3Code !== undefined ? probe : error),
      )
      throw detailed
    }
  }

  async #isDirectory(op: string, path: S3Path, options?: CallOptions): Promise<boolean> {
    if (path.key === '') {
      try {
        await this.#send(op, path.url, new HeadBucketCommand({ Bucket: path.bucket }), options)
        return true
      } catch (error) {
        if (hasCode(error, 'ENOENT')) {
          throw new S3FsError('ENOENT', 'no such bucket', { op, url: path.url, s3Code: 'NoSuchBucket', httpStatus: 404 })
        }
        throw error
      }
    }
    const page = await this.listPage(childPath(path.bucket, directoryPrefix(path.key)), '', '', 1, options, op, path.url)
    return page.objects.length > 0 || page.prefixes.length > 0
  }

  async #notAFile(op: string, path: S3Path, options?: CallOptions): Promise<never> {
    if (await this.#isDirectory(op, path, options)) throw new S3FsError('EISDIR', 'is a directory', { op, url: path.url })
    throw new S3FsError('ENOENT', 'no such file or directory', { op, url: path.url })
  }

  /** HEAD of an object the operation needs to be a file: EISDIR or ENOENT when it is not one. */
  async #headOfFile(op: string, path: S3Path, options?: CallOptions): Promise<ObjectHead> {
    try {
      return await this.#head(op, path, options)
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return this.#notAFile(op, path, options)
      throw error
    }
  }

  async stat(path: S3Path, options?: CallOptions): Promise<FileStat> {
    if (path.key !== '' && !path.key.endsWith('/')) {
      try {
        const head = await this.#head('stat', path, options)
        const { etag, ...rest } = head
        return { isDirectory: false, ...rest, ...(etag ? { etag } : {}) }
      } catch (error) {
        if (!(hasCode(error, 'ENOENT'))) throw error
      }
    }
    if (await this.#isDirectory('stat', path, options)) return { isDirectory: true, size: 0, mtimeMs: 0 }
    throw new S3FsError('ENOENT', 'no such file or directory', { op: 'stat', url: path.url })
  }

  async readFile(path: S3Path, options?: CallOptions): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.#headOfFile('readFile', path, options)
      if (head.size === 0) return Buffer.alloc(0)
      const buffer = Buffer.allocUnsafe(head.size)
      const partSize = this.#config.partSize
      try {
        const counts = await new Limiter(READ_PARALLELISM).runAll(partStarts(head.size, partSize), (start) =>
          this.#getInto('readFile', path, buffer, start, Math.min(partSize, head.size - start), start, head.etag, options),
        )
        const received = counts.reduce((a, b) => a + b, 0)
        if (received !== head.size) throw new S3FsError('EIO', `expected ${head.size} bytes, received ${received}`, { op: 'readFile', url: path.url })
        await verifyChecksum(this.#verified(head), () => [buffer], { op: 'readFile', url: path.url })
        return buffer
      } catch (error) {
        if (hasCode(error, 'ESTALE') && attempt < READ_ATTEMPTS) continue
        if (hasCode(error, 'ENOENT')) return this.#notAFile('readFile', path, options)
        throw error
      }
    }
  }

  /**
   * GETs a range into `buffer`. A body that breaks off (reset, cut) resumes from the bytes already
   * received, as the native engine does, pinned to the ETag of the first answer so that the bytes
   * never mix two versions of the object (a changed object is ESTALE).
   */
  async #getInto(op: string, path: S3Path, buffer: Buffer, offset: number, length: number, position: number, ifMatch: string | undefined, options?: CallOptions): Promise<number> {
    let n = 0
    let pinned = ifMatch
    for (let resumes = 0; ; resumes++) {
      let response: { Body?: unknown; ETag?: string; ContentRange?: string }
      try {
        response = await this.#send(
          op,
          path.url,
          new GetObjectCommand({ Bucket: path.bucket, Key: path.key, Range: `bytes=${position + n}-${position + length - 1}`, ...(pinned ? { IfMatch: pinned } : {}) }),
          options,
        )
      } catch (error) {
        if (error instanceof S3FsError && error.httpStatus === 416) return n
        throw error
      }
      pinned ??= response.ETag
      // The object's end: a resumed range may ask past it only when the first answer was short.
      const total = Number(/\/(\d+)$/.exec(response.ContentRange ?? '')?.[1] ?? Number.NaN)
      try {
        for await (const chunk of response.Body as Readable) {
          const bytes = chunk as Buffer
          bytes.copy(buffer, offset + n, 0, Math.min(bytes.length, length - n))
          n += Math.min(bytes.length, length - n)
        }
        return n
      } catch (error) {
        const failure = errorFromSdk(error, op, path.url, this.endpoint)
        const transient = failure.code === 'ECONNRESET' || failure.code === 'ETIMEDOUT' || failure.code === 'EIO'
        if (!transient || options?.signal?.aborted || resumes >= this.#config.maxRetries || position + n >= total) throw failure
      }
    }
  }

  async read(path: S3Path, buffer: Buffer, offset: number, length: number, position: number, options?: ReadOptions): Promise<number> {
    if (length === 0) return 0
    try {
      return await this.#getInto('read', path, buffer, offset, length, position, options?.ifMatch, options)
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return this.#notAFile('read', path, options)
      throw error
    }
  }

  async writeFile(path: S3Path, data: Uint8Array, options?: WriteOptions): Promise<{ etag: string }> {
    if (data.length < this.#config.partSize) {
      const put = await this.#uploadChecksum.send(
        () =>
          this.#send<{ ETag?: string } & SdkChecksums>(
            'writeFile',
            path.url,
            new PutObjectCommand({ Bucket: path.bucket, Key: path.key, Body: data, ContentLength: data.length, ...this.#checksumParameter(), ...sdkAttributes(options?.attributes) }),
            options,
          ),
        (answer) => storedChecksumOf(answer) !== undefined,
      )
      return { etag: put.ETag ?? '' }
    }
    return this.#multipartUpload(path, data.length, [data], options)
  }

  async download(path: S3Path, localPath: string, options?: TransferCallOptions): Promise<{ size: number }> {
    const temp = `${localPath}.s3fs-${process.pid}-${Math.random().toString(36).slice(2)}`
    for (let attempt = 1; ; attempt++) {
      const head = await this.#headOfFile('download', path, options)
      const file = await open(temp, 'w').catch((error: unknown) => {
        throw localFileError(error, 'download', localPath, path.url)
      })
      try {
        await this.#downloadParts(path, head, file, options)
        await file.close()
        await verifyChecksum(this.#verified(head), () => createReadStream(temp, { highWaterMark: 1024 * 1024 }), { op: 'download', url: path.url })
        await rename(temp, localPath)
        return { size: head.size }
      } catch (error) {
        await file.close().catch(() => undefined)
        await rm(temp, { force: true })
        // Replaced while it was read: the new version, whole.
        if (hasCode(error, 'ESTALE') && attempt < READ_ATTEMPTS) continue
        throw error instanceof S3FsError ? error : localFileError(error, 'download', localPath, path.url)
      }
    }
  }

  async #downloadParts(path: S3Path, head: ObjectHead, file: FileHandle, options?: TransferCallOptions): Promise<void> {
    const partSize = this.#config.partSize
    let received = 0
    await new Limiter(READ_PARALLELISM).runAll(partStarts(head.size, partSize), async (start) => {
      const length = Math.min(partSize, head.size - start)
      const buffer = Buffer.allocUnsafe(length)
      const n = await this.#getInto('download', path, buffer, 0, length, start, head.etag, options)
      await file.write(buffer, 0, n, start)
      options?.onBytes?.((received += n))
    })
  }

  upload(localPath: string, size: number, path: S3Path, options?: TransferCallOptions): Promise<{ etag: string }> {
    return this.#multipartUpload(path, size, createReadStream(localPath, { highWaterMark: 1024 * 1024 }), options)
  }

  /** Every multipart upload of this backend: the library's own, part by part (parted-upload.ts). */
  #multipartUpload(path: S3Path, size: number, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: TransferCallOptions): Promise<{ etag: string }> {
    return uploadInParts(this, path, chunks, { partSize: uploadPartSize(size, this.#config.partSize), writeConcurrency: UPLOAD_PARALLELISM }, options)
  }

  async readdir(path: S3Path, options?: CallOptions): Promise<DirEntry[]> {
    const prefix = directoryPrefix(path.key)
    const entries = new Map<string, DirEntry>()
    let sawAnything = false
    let token = ''
    do {
      const page = await this.listPage(childPath(path.bucket, prefix), '/', token, 1000, options, 'readdir', path.url)
      for (const object of page.objects) {
        sawAnything = true
        const name = object.key.slice(prefix.length)
        if (name !== '' && !entries.has(name)) entries.set(name, { name, isDirectory: false, size: object.size, mtimeMs: object.mtimeMs })
      }
      for (const common of page.prefixes) {
        sawAnything = true
        const name = common.slice(prefix.length).replace(/\/$/, '')
        if (name !== '') entries.set(name, { name, isDirectory: true })
      }
      token = page.nextToken ?? ''
    } while (token !== '')
    if (!sawAnything && path.key !== '') {
      if (!path.key.endsWith('/')) {
        const isFile = await this.#head('readdir', path, options).then(
          () => true,
          (error: unknown) => {
            if (hasCode(error, 'ENOENT')) return false
            throw error
          },
        )
        if (isFile) throw new S3FsError('ENOTDIR', 'not a directory', { op: 'readdir', url: path.url })
      }
      throw new S3FsError('ENOENT', 'no such file or directory', { op: 'readdir', url: path.url })
    }
    return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async rm(path: S3Path, options?: CallOptions): Promise<void> {
    if (path.key === '' || path.key.endsWith('/')) return this.#notAFile('rm', path, options)
    await this.#headOfFile('rm', path, options)
    await this.#send('rm', path.url, new DeleteObjectCommand({ Bucket: path.bucket, Key: path.key }), options)
  }

  head(path: S3Path, options?: CallOptions): Promise<ObjectHead> {
    return this.#head('stat', path, options)
  }

  async listPage(path: S3Path, delimiter: string, token: string, maxKeys: number, options?: CallOptions, op = 'list', url = path.url): Promise<ListPage> {
    const page = await this.#send<{
      Contents?: Array<{ Key?: string; Size?: number; LastModified?: Date; ETag?: string }>
      CommonPrefixes?: Array<{ Prefix?: string }>
      IsTruncated?: boolean
      NextContinuationToken?: string
    }>(
      op,
      url,
      new ListObjectsV2Command({
        Bucket: path.bucket,
        Prefix: path.key,
        ...(delimiter ? { Delimiter: delimiter } : {}),
        ...(token ? { ContinuationToken: token } : {}),
        ...(maxKeys > 0 ? { MaxKeys: maxKeys } : {}),
      }),
      options,
    )
    const result: ListPage = {
      objects: (page.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0, etag: o.ETag ?? '' })),
      prefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
    }
    if (page.IsTruncated && page.NextContinuationToken) result.nextToken = page.NextContinuationToken
    return result
  }

  async copyObject(source: S3Path, target: S3Path, options?: ReadOptions): Promise<{ etag: string }> {
    const copied = await this.#uploadChecksum.send(() =>
      this.#send<{ CopyObjectResult?: { ETag?: string } }>(
        'copyFile',
        source.url,
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          CopySource: copySource(source.bucket, source.key).slice(1),
          ...(options?.ifMatch ? { CopySourceIfMatch: options.ifMatch } : {}),
          ...this.#checksumParameter(),
        }),
        options,
      ),
    )
    return { etag: copied.CopyObjectResult?.ETag ?? '' }
  }

  async deleteObject(path: S3Path, options?: CallOptions): Promise<void> {
    await this.#send('rm', path.url, new DeleteObjectCommand({ Bucket: path.bucket, Key: path.key }), options)
  }

  async deleteObjects(bucket: string, keys: string[], url: string, options?: CallOptions): Promise<DeleteFailure[]> {
    const result = await this.#send<{ Errors?: Array<{ Key?: string; Code?: string; Message?: string }> }>(
      'rm',
      url,
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      options,
    )
    return (result.Errors ?? []).map((e) => ({
      key: e.Key ?? '',
      s3Code: e.Code ?? 'InternalError',
      code: codeForS3Error(e.Code, 500),
      message: e.Message ?? '',
    }))
  }

  async createMultipartUpload(path: S3Path, options?: WriteOptions): Promise<{ uploadId: string; attempts: number; checksum: ChecksumAlgorithm | undefined }> {
    let checksum: ChecksumAlgorithm | undefined
    const created = await this.#uploadChecksum.send(() => {
      checksum = options?.checksummed === false ? undefined : this.#checksum
      return this.#send<{ UploadId?: string; ChecksumAlgorithm?: string; $metadata?: { attempts?: number } }>(
        'writeFile',
        path.url,
        new CreateMultipartUploadCommand({
          Bucket: path.bucket,
          Key: path.key,
          ...(checksum ? { ChecksumAlgorithm: WIRE_NAMES[checksum], ChecksumType: multipartChecksumType(checksum) } : {}),
          ...sdkAttributes(options?.attributes),
        }),
        options,
        true,
      )
    }, options?.checksummed === false ? undefined : (answer) => answer.ChecksumAlgorithm !== undefined)
    if (!created.UploadId) throw new S3FsError('EIO', 'the server returned no upload id', { op: 'writeFile', url: path.url })
    return { uploadId: created.UploadId, attempts: created.$metadata?.attempts ?? 1, checksum }
  }

  async uploadPart(path: S3Path, uploadId: string, partNumber: number, body: Uint8Array, options?: PartOptions): Promise<UploadedPart> {
    const checksum = options?.checksum
    // Computed here rather than by the SDK, so that completing names the value sent, whether or not
    // the server's answer repeats it.
    const value = checksum ? await computeChecksum(checksum, [body]) : undefined
    const part = await this.#send<{ ETag?: string } & SdkChecksums>(
      'writeFile',
      path.url,
      new UploadPartCommand({
        Bucket: path.bucket,
        Key: path.key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.length,
        ...(checksum ? { [`Checksum${WIRE_NAMES[checksum]}`]: value } : {}),
      }),
      options,
    )
    return { etag: part.ETag ?? '', checksum: value }
  }

  async uploadPartCopy(
    path: S3Path,
    uploadId: string,
    partNumber: number,
    source: S3Path,
    range: { start: number; end: number },
    options?: ReadOptions,
  ): Promise<UploadedPart> {
    const part = await this.#send<{ CopyPartResult?: { ETag?: string } }>(
      'copyFile',
      source.url,
      new UploadPartCopyCommand({
        Bucket: path.bucket,
        Key: path.key,
        UploadId: uploadId,
        PartNumber: partNumber,
        CopySource: copySource(source.bucket, source.key).slice(1),
        CopySourceRange: `bytes=${range.start}-${range.end}`,
        ...(options?.ifMatch ? { CopySourceIfMatch: options.ifMatch } : {}),
      }),
      options,
    )
    return { etag: part.CopyPartResult?.ETag ?? '' }
  }

  async completeMultipartUpload(path: S3Path, uploadId: string, parts: CompletedPart[], options?: PartOptions): Promise<{ etag: string }> {
    const done = await this.#send<{ ETag?: string }>(
      'writeFile',
      path.url,
      new CompleteMultipartUploadCommand({
        Bucket: path.bucket,
        Key: path.key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((p) => ({
            PartNumber: p.partNumber,
            ETag: p.etag,
            ...(options?.checksum && p.checksum ? { [`Checksum${WIRE_NAMES[options.checksum]}`]: p.checksum } : {}),
          })),
        },
      }),
      options,
    )
    return { etag: done.ETag ?? '' }
  }

  /** The configured checksum, unless the server has refused checksums. */
  get #checksum(): ChecksumAlgorithm | undefined {
    return this.#uploadChecksum.algorithm
  }

  /** The stored checksum a whole-object read is checked against: none when checksums are off. */
  #verified(head: ObjectHead): StoredChecksum | undefined {
    return this.#config.checksum === 'off' ? undefined : head.checksum
  }

  /** The SDK's ChecksumAlgorithm parameter: it computes the checksum and sends it for the server to verify. */
  #checksumParameter(): { ChecksumAlgorithm?: (typeof WIRE_NAMES)[ChecksumAlgorithm] } {
    return this.#checksum ? { ChecksumAlgorithm: WIRE_NAMES[this.#checksum] } : {}
  }

  async abortMultipartUpload(path: S3Path, uploadId: string): Promise<void> {
    await this.#send('writeFile', path.url, new AbortMultipartUploadCommand({ Bucket: path.bucket, Key: path.key, UploadId: uploadId }), undefined, true)
  }

  async listMultipartUploads(path: S3Path, options?: CallOptions): Promise<MultipartUploadEntry[]> {
    const listed = await this.#send<{ Uploads?: Array<{ Key?: string; UploadId?: string; Initiated?: Date }> }>(
      'list',
      path.url,
      new ListMultipartUploadsCommand({ Bucket: path.bucket, Prefix: path.key }),
      options,
    )
    return (listed.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '', initiatedMs: u.Initiated?.getTime() ?? Number.NaN }))
  }

  close(): void {
    this.#closed = true
    this.#closing.abort()
    if (this.#cleanups === 0) this.#destroy()
  }
}
