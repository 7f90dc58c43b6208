import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

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
} from './backend.js'
import { endpointOf, UploadChecksum } from './checksum-support.js'
import { type ChecksumAlgorithm, algorithmOf, multipartChecksumHeaders, storedChecksumOfHeaders, WIRE_NAMES } from './checksums.js'
import type { ResolvedConfig } from './config.js'
import type { Credentials, RefreshingCredentials } from './credentials.js'
import { abortError, abortStatus, codeForS3Error, errorFromStatus, isFailureStatus, S3FsError } from './errors.js'
import { attributeHeaders, attributesFromHeaders } from './object-attributes.js'
import { abortUpload, completedDespite, createUpload, multipartEtagOf, uploadPartSize } from './multipart.js'
import { uploadInParts } from './parted-upload.js'
import { canonicalQuery, copySource } from './s3-query.js'
import type { S3Path } from './url.js'
import { xmlDecode, xmlElements, xmlEscape, xmlText } from './xml.js'

interface RawRequest {
  method: string
  bucket: string
  key: string
  query?: string
  headers?: Array<[string, string]>
  body?: Uint8Array
  /** The body's checksum, computed by the engine off this thread, for the server to verify. */
  checksum?: ChecksumAlgorithm
}

interface RawResponse {
  status: number
  /** Tries it took (the engine retries transient failures). */
  attempts: number
  headers: Record<string, string>
  body: Buffer
  /** The checksum the request's body carried (RawRequest.checksum), as sent. */
  checksum?: string
}

// After a cleanup request ends on a closed filesystem, how long the engine waits for the next one.
const CLEANUP_GRACE_MS = 100

// How often a transfer's byte count is read for onBytes.
const PROGRESS_INTERVAL_MS = 100

/**
 * How the engine writes an object: its headers (a single PUT's; a multipart upload's are sent by
 * its create), or the multipart upload created for it, sent in parts of `partSize`.
 */
interface WriteRequestOptions {
  headers?: Array<[string, string]>
  /** The checksum of each request's body (each part's), computed by the engine, verified by the server. */
  checksum?: ChecksumAlgorithm
  uploadId?: string
  partSize?: number
}

/** The engine asks for credentials through the provider's `fresh`, called on the JS thread. */
type NativeEngineConfig = Omit<ResolvedConfig, 'credentialsProvider'> & { credentialsProvider?: () => Promise<Credentials> }

export function nativeEngineConfig(config: ResolvedConfig): NativeEngineConfig {
  const { credentialsProvider, ...rest } = config
  return credentialsProvider ? { ...rest, credentialsProvider: credentialsProvider.fresh } : rest
}

interface NativeEngine {
  stat(id: number, bucket: string, key: string): Promise<FileStat>
  readFile(id: number, bucket: string, key: string): Promise<Buffer>
  read(id: number, bucket: string, key: string, buffer: Buffer, offset: number, length: number, position: number, ifMatch?: string): Promise<number>
  /** `checksum`: the one the server acknowledged for a single PUT. */
  writeFile(id: number, bucket: string, key: string, data: Uint8Array, upload?: WriteRequestOptions): Promise<{ etag: string; checksum?: string }>
  /** Body bytes an operation in flight has sent or received. */
  progress(id: number): number
  readdir(id: number, bucket: string, key: string): Promise<DirEntry[]>
  rm(id: number, bucket: string, key: string): Promise<void>
  download(id: number, bucket: string, key: string, localPath: string): Promise<{ size: number }>
  upload(id: number, bucket: string, key: string, localPath: string, size: number, upload?: WriteRequestOptions): Promise<{ etag: string; checksum?: string }>
  listPage(id: number, bucket: string, prefix: string, delimiter: string, token: string, maxKeys: number): Promise<ListPage>
  request(id: number, request: RawRequest): Promise<RawResponse>
  cancel(id: number, code: string, message: string): void
  close(): void
}

interface NativeBinding {
  Engine: new (config: NativeEngineConfig) => NativeEngine
  registerTensorFlowPlugin(pluginPath: string): void
}

type NodeGypBuild = ((dir: string) => NativeBinding) & { path(dir: string): string }

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

let binding: NativeBinding | undefined
let loadError: Error | undefined

/** linux-x64 (glibc 2.36), darwin-arm64: what a prebuilt addon would have to match. */
function platformName(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  const glibc = report?.header?.glibcVersionRuntime
  const libc = process.platform === 'linux' ? (glibc !== undefined ? ` (glibc ${glibc})` : ' (musl)') : ''
  return `${process.platform}-${process.arch}${libc}`
}

/** Loads the addon once per environment; the error says what to run when it cannot be loaded. */
export function loadNativeBinding(): NativeBinding {
  if (binding !== undefined) return binding
  if (loadError !== undefined) throw loadError
  try {
    const require = createRequire(import.meta.url)
    const load = require('node-gyp-build') as NodeGypBuild
    // S3FS_NATIVE_ADDON: an addon built elsewhere, such as the sanitizer build of npm run test:asan.
    binding = (process.env.S3FS_NATIVE_ADDON ? require(path.resolve(process.env.S3FS_NATIVE_ADDON)) : load(packageRoot)) as NativeBinding
    return binding
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
    loadError = new Error(
      `s3fs-native: no native addon loads on ${platformName()} (${reason}). ` +
        `Prebuilt addons ship for linux-x64 and linux-arm64 with glibc 2.28 or newer.\n` +
        `- Build it from source: S3FS_BUILD_FROM_SOURCE=1 npm rebuild s3fs-native --foreground-scripts ` +
        `(needs cmake, ninja, a C++17 compiler, patch, dpkg-dev and libssl-dev; it says which are missing).\n` +
        `- Or use the pure-JS backend: new S3FileSystem({ backend: 'js' }) or S3FS_BACKEND=js.`,
      { cause },
    )
    throw loadError
  }
}

const TENSORFLOW_PLUGIN = 's3fs_tensorflow_plugin.so'

/** The TensorFlow filesystem plugin built and shipped beside the native addon. */
export function tensorflowPluginPath(): string {
  loadNativeBinding()
  const load = createRequire(import.meta.url)('node-gyp-build') as NodeGypBuild
  const addon = process.env.S3FS_NATIVE_ADDON ? path.resolve(process.env.S3FS_NATIVE_ADDON) : load.path(packageRoot)
  const plugin = path.join(path.dirname(addon), TENSORFLOW_PLUGIN)
  if (!existsSync(plugin)) {
    throw new S3FsError('ENOENT', `the TensorFlow plugin was not built beside the native addon (${plugin}); rebuild with S3FS_TF_INCLUDE_DIR set to TensorFlow's C headers`, {
      op: 'tensorflowPluginPath',
      url: '',
    })
  }
  return plugin
}

/** A completed part's checksum element, in an upload that has one. */
function partChecksumXml(part: CompletedPart, algorithm: ChecksumAlgorithm | undefined): string {
  if (!algorithm || !part.checksum) return ''
  const element = `Checksum${WIRE_NAMES[algorithm]}`
  return `<${element}>${xmlEscape(part.checksum)}</${element}>`
}

/** S3 answers some failed copies and completions with 200 and an <Error> body. */
function throwIfErrorBody(body: string, op: string, url: string): void {
  if (!body.includes('<Error>')) return
  const s3Code = xmlText(body, 'Code') ?? 'InternalError'
  throw new S3FsError(codeForS3Error(s3Code, 500), `${s3Code}: ${xmlText(body, 'Message') ?? ''}`, { op, url, s3Code, httpStatus: 200 })
}

/**
 * Engines shared by the filesystems of this environment (this module is loaded once per main
 * thread or worker) that have the same configuration: each engine owns event-loop threads, a
 * connection pool and the CRT's state, and a filesystem made per request must not cost a set of
 * threads. An engine is closed when its last filesystem is closed or collected.
 */
/** Servers (host:port) that refused the engine's takeover of an upload (its ListParts). */
const withoutListParts = new Set<string>()

/** A refusal of a request the server does not have (405, 501), not of the upload's parts or data. */
function refusesTakeover(error: unknown): boolean {
  return error instanceof S3FsError && (error.httpStatus === 405 || error.httpStatus === 501)
}

const engines = new Map<string, { engine: NativeEngine; users: number }>()
const collected = new FinalizationRegistry<string>((key) => releaseEngine(key))
// Operation ids are unique per environment: filesystems sharing an engine share its id space.
let nextOperationId = 1

function acquireEngine(config: ResolvedConfig): { key: string; engine: NativeEngine } {
  const key = JSON.stringify(config)
  let shared = engines.get(key)
  if (shared === undefined) {
    const { Engine } = loadNativeBinding()
    shared = { engine: new Engine(nativeEngineConfig(config)), users: 0 }
    engines.set(key, shared)
  }
  shared.users++
  return { key, engine: shared.engine }
}

function releaseEngine(key: string): void {
  const shared = engines.get(key)
  if (shared === undefined || --shared.users > 0) return
  engines.delete(key)
  shared.engine.close()
}

/** The native backend: every call is one native operation; JS only sees its Promise settle. */
export class NativeBackend implements Backend {
  readonly name = 'native' as const
  readonly endpoint: string
  readonly #engine: NativeEngine
  readonly #engineKey: string
  readonly #credentials: RefreshingCredentials | undefined
  readonly #partSize: number
  readonly #writeConcurrency: number
  /** This filesystem's operations in flight, cancelled by close() (the engine may serve others). */
  readonly #inFlight = new Set<number>()
  /**
   * Requests that leave nothing behind on the server (creating and aborting multipart uploads): close()
   * neither refuses nor cancels them, and lets the engine go only when they have ended.
   */
  readonly #cleanups = new Set<Promise<unknown>>()
  #closed = false
  #released = false
  /** What every upload carries for the server to verify (config.checksum, until the server refuses checksums). */
  readonly #uploadChecksum: UploadChecksum

  constructor(config: ResolvedConfig) {
    ;({ key: this.#engineKey, engine: this.#engine } = acquireEngine(config))
    collected.register(this, this.#engineKey, this)
    this.#credentials = config.credentialsProvider
    this.#partSize = config.partSize
    this.#writeConcurrency = config.writeConcurrency
    this.endpoint = endpointOf(config)
    this.#uploadChecksum = new UploadChecksum(algorithmOf(config.checksum), this.endpoint)
  }

  async #call<T>(op: string, url: string, options: CallOptions | undefined, start: (id: number) => Promise<T>, cleanup = false): Promise<T> {
    const signal = options?.signal
    if (signal?.aborted) throw abortError(op, url, signal.reason)
    if (this.#released || (this.#closed && !cleanup)) throw new S3FsError('EBADF', 'the file system was closed', { op, url })
    const id = nextOperationId++
    const onAbort = (): void => {
      const { code, detail } = abortStatus(signal?.reason)
      this.#engine.cancel(id, code, detail)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    if (!cleanup) this.#inFlight.add(id)
    const running = start(id)
    if (cleanup) {
      const tracked = running.then(
        () => undefined,
        () => undefined,
      )
      this.#cleanups.add(tracked)
      void tracked.then(() => {
        this.#cleanups.delete(tracked)
        // A moment's grace: a create that ended is followed at once by the abort of its upload.
        if (this.#closed) setTimeout(() => this.#cleanups.size === 0 && this.#release(), CLEANUP_GRACE_MS).unref()
      })
    }
    try {
      return await running
    } catch (failure) {
      if (isFailureStatus(failure)) {
        // The engine knows only that its delegate gave nothing; the provider knows why.
        const why = failure.code === 'ECREDENTIALS' ? this.#credentials?.lastFailure : undefined
        throw errorFromStatus(why ? { ...failure, message: why } : failure, op, url)
      }
      throw failure
    } finally {
      this.#inFlight.delete(id)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  #request(op: string, path: S3Path, request: RawRequest, options?: CallOptions, cleanup = false): Promise<RawResponse> {
    return this.#call(op, path.url, options, (id) => this.#engine.request(id, request), cleanup)
  }

  stat(path: S3Path, options?: CallOptions): Promise<FileStat> {
    return this.#call('stat', path.url, options, (id) => this.#engine.stat(id, path.bucket, path.key))
  }

  readFile(path: S3Path, options?: CallOptions): Promise<Buffer> {
    return this.#call('readFile', path.url, options, (id) => this.#engine.readFile(id, path.bucket, path.key))
  }

  read(path: S3Path, buffer: Buffer, offset: number, length: number, position: number, options?: ReadOptions): Promise<number> {
    return this.#call('read', path.url, options, (id) =>
      this.#engine.read(id, path.bucket, path.key, buffer, offset, length, position, options?.ifMatch),
    )
  }

  writeFile(path: S3Path, data: Uint8Array, options?: WriteOptions): Promise<{ etag: string }> {
    const headers = attributeHeaders(options?.attributes)
    if (data.length < this.#partSize) {
      return this.#uploadChecksum.send(
        () => this.#call('writeFile', path.url, options, (id) => this.#engine.writeFile(id, path.bucket, path.key, data, { headers, ...this.#checksumOption() })),
        (put) => put.checksum !== undefined,
      )
    }
    return this.#multipartPut('writeFile', path, data, data.length, options, (id, upload) => this.#engine.writeFile(id, path.bucket, path.key, data, upload))
  }

  readdir(path: S3Path, options?: CallOptions): Promise<DirEntry[]> {
    return this.#call('readdir', path.url, options, (id) => this.#engine.readdir(id, path.bucket, path.key))
  }

  rm(path: S3Path, options?: CallOptions): Promise<void> {
    return this.#call('rm', path.url, options, (id) => this.#engine.rm(id, path.bucket, path.key))
  }

  download(path: S3Path, localPath: string, options?: TransferCallOptions): Promise<{ size: number }> {
    return this.#call('download', path.url, options, (id) => this.#reporting(id, options, this.#engine.download(id, path.bucket, path.key, localPath)))
  }

  upload(localPath: string, size: number, path: S3Path, options?: TransferCallOptions): Promise<{ etag: string }> {
    if (size < this.#partSize) {
      const headers = attributeHeaders(options?.attributes)
      return this.#uploadChecksum.send(
        () =>
          this.#call('upload', path.url, options, (id) =>
            this.#reporting(id, options, this.#engine.upload(id, path.bucket, path.key, localPath, size, { headers, ...this.#checksumOption() })),
          ),
        (put) => put.checksum !== undefined,
      )
    }
    return this.#multipartPut('upload', path, localPath, size, options, (id, upload) =>
      this.#reporting(id, options, this.#engine.upload(id, path.bucket, path.key, localPath, size, upload)),
    )
  }

  /** Polls the operation's byte count for `onBytes` while it runs: no call into JS per chunk. */
  #reporting<T>(id: number, options: TransferCallOptions | undefined, running: Promise<T>): Promise<T> {
    const onBytes = options?.onBytes
    if (onBytes === undefined) return running
    const timer = setInterval(() => onBytes(this.#engine.progress(id)), PROGRESS_INTERVAL_MS)
    return running.finally(() => clearInterval(timer))
  }

  /**
   * The engine sends the parts and completes, under an upload created here (createUpload), so that a
   * create whose answer was lost is cleaned up. A completion whose answer was lost reads as
   * NoSuchUpload on its retry: the object's ETag, against the one these bytes make, tells. The
   * engine takes over an upload by listing its parts (aws-c-s3 resumes it): a server without
   * ListParts refuses that, and its uploads are sent part by part from here from then on.
   */
  async #multipartPut(
    op: string,
    path: S3Path,
    source: Uint8Array | string,
    size: number,
    options: TransferCallOptions | undefined,
    start: (id: number, upload: WriteRequestOptions) => Promise<{ etag: string }>,
  ): Promise<{ etag: string }> {
    if (withoutListParts.has(this.endpoint)) return this.#uploadInParts(path, source, size, options)
    const partSize = uploadPartSize(size, this.#partSize)
    const { uploadId, checksum } = await createUpload(this, path, options)
    try {
      return await this.#call(op, path.url, options, (id) => start(id, { uploadId, partSize, ...(checksum ? { checksum } : {}) }))
    } catch (error) {
      let etag = ''
      const expected = async (): Promise<string> => (etag = await multipartEtagOf(source, size, partSize))
      if (await completedDespite(error, this, path, expected, options)) return { etag }
      await abortUpload(this, path, uploadId)
      if (!refusesTakeover(error) || options?.signal?.aborted) throw error
      const sent = await this.#uploadInParts(path, source, size, options)
      withoutListParts.add(this.endpoint)
      return sent
    }
  }

  #uploadInParts(path: S3Path, source: Uint8Array | string, size: number, options: TransferCallOptions | undefined): Promise<{ etag: string }> {
    const chunks = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1024 * 1024 }) : [source]
    return uploadInParts(this, path, chunks, { partSize: uploadPartSize(size, this.#partSize), writeConcurrency: this.#writeConcurrency }, options)
  }

  /** The configured checksum, unless the server has refused checksums. */
  get #checksum(): ChecksumAlgorithm | undefined {
    return this.#uploadChecksum.algorithm
  }

  /** The engine's checksum option for an upload: the configured algorithm, or nothing when off. */
  #checksumOption(): { checksum?: ChecksumAlgorithm } {
    return this.#checksum ? { checksum: this.#checksum } : {}
  }

  async head(path: S3Path, options?: CallOptions): Promise<ObjectHead> {
    const headers: Array<[string, string]> = [['x-amz-checksum-mode', 'ENABLED']]
    const response = await this.#request('stat', path, { method: 'HEAD', bucket: path.bucket, key: path.key, headers }, options)
    return {
      size: Number(response.headers['content-length'] ?? 0),
      mtimeMs: Date.parse(response.headers['last-modified'] ?? '') || 0,
      etag: response.headers.etag ?? '',
      checksum: storedChecksumOfHeaders(response.headers),
      ...attributesFromHeaders(response.headers),
    }
  }

  listPage(path: S3Path, delimiter: string, token: string, maxKeys: number, options?: CallOptions): Promise<ListPage> {
    return this.#call('list', path.url, options, (id) => this.#engine.listPage(id, path.bucket, path.key, delimiter, token, maxKeys))
  }

  async copyObject(source: S3Path, target: S3Path, options?: ReadOptions): Promise<{ etag: string }> {
    const copy = (): Promise<RawResponse> => {
      const headers: Array<[string, string]> = [['x-amz-copy-source', copySource(source.bucket, source.key)]]
      if (options?.ifMatch) headers.push(['x-amz-copy-source-if-match', options.ifMatch])
      // The copy gets a checksum of the configured algorithm, computed by the server from the source.
      if (this.#checksum) headers.push(['x-amz-checksum-algorithm', WIRE_NAMES[this.#checksum]])
      return this.#request('copyFile', source, { method: 'PUT', bucket: target.bucket, key: target.key, headers }, options)
    }
    const response = await this.#uploadChecksum.send(copy)
    const body = response.body.toString('utf8')
    throwIfErrorBody(body, 'copyFile', source.url)
    return { etag: xmlText(body, 'ETag') ?? '' }
  }

  async deleteObjects(bucket: string, keys: string[], url: string, options?: CallOptions): Promise<DeleteFailure[]> {
    const xml = `<Delete><Quiet>true</Quiet>${keys.map((key) => `<Object><Key>${xmlEscape(key)}</Key></Object>`).join('')}</Delete>`
    const body = Buffer.from(xml, 'utf8')
    const headers: Array<[string, string]> = [
      ['Content-MD5', createHash('md5').update(body).digest('base64')],
      ['Content-Type', 'application/xml'],
    ]
    const path = { bucket, key: '', url }
    const response = await this.#request('rm', path, { method: 'POST', bucket, key: '', query: 'delete=', headers, body }, options)
    return xmlElements(response.body.toString('utf8'), 'Error').map((error) => {
      const s3Code = xmlText(error, 'Code') ?? 'InternalError'
      return { key: xmlText(error, 'Key') ?? '', s3Code, code: codeForS3Error(s3Code, 500), message: xmlText(error, 'Message') ?? '' }
    })
  }

  async deleteObject(path: S3Path, options?: CallOptions): Promise<void> {
    await this.#request('rm', path, { method: 'DELETE', bucket: path.bucket, key: path.key, query: '', headers: [] }, options)
  }

  async createMultipartUpload(path: S3Path, options?: WriteOptions): Promise<{ uploadId: string; attempts: number; checksum: ChecksumAlgorithm | undefined }> {
    let checksum: ChecksumAlgorithm | undefined
    const response = await this.#uploadChecksum.send(() => {
      checksum = options?.checksummed === false ? undefined : this.#checksum
      return this.#request(
        'writeFile',
        path,
        {
          method: 'POST',
          bucket: path.bucket,
          key: path.key,
          query: 'uploads=',
          headers: [...attributeHeaders(options?.attributes), ...multipartChecksumHeaders(checksum)],
        },
        options,
        true,
      )
    }, options?.checksummed === false ? undefined : (created) => created.headers['x-amz-checksum-algorithm'] !== undefined)
    const uploadId = xmlText(response.body.toString('utf8'), 'UploadId')
    if (!uploadId) throw new S3FsError('EIO', 'the server returned no upload id', { op: 'writeFile', url: path.url })
    return { uploadId, attempts: response.attempts, checksum }
  }

  async uploadPart(path: S3Path, uploadId: string, partNumber: number, body: Uint8Array, options?: PartOptions): Promise<UploadedPart> {
    const query = canonicalQuery({ partNumber: String(partNumber), uploadId })
    const algorithm = options?.checksum
    const request: RawRequest = { method: 'PUT', bucket: path.bucket, key: path.key, query, body, ...(algorithm ? { checksum: algorithm } : {}) }
    const response = await this.#request('writeFile', path, request, options)
    return { etag: response.headers.etag ?? '', checksum: response.checksum }
  }

  async uploadPartCopy(
    path: S3Path,
    uploadId: string,
    partNumber: number,
    source: S3Path,
    range: { start: number; end: number },
    options?: ReadOptions,
  ): Promise<UploadedPart> {
    const query = canonicalQuery({ partNumber: String(partNumber), uploadId })
    const headers: Array<[string, string]> = [
      ['x-amz-copy-source', copySource(source.bucket, source.key)],
      ['x-amz-copy-source-range', `bytes=${range.start}-${range.end}`],
    ]
    if (options?.ifMatch) headers.push(['x-amz-copy-source-if-match', options.ifMatch])
    const response = await this.#request('copyFile', source, { method: 'PUT', bucket: path.bucket, key: path.key, query, headers }, options)
    const body = response.body.toString('utf8')
    throwIfErrorBody(body, 'copyFile', source.url)
    return { etag: xmlText(body, 'ETag') ?? '' }
  }

  async completeMultipartUpload(path: S3Path, uploadId: string, parts: CompletedPart[], options?: PartOptions): Promise<{ etag: string }> {
    const xml =
      '<CompleteMultipartUpload>' +
      parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${xmlEscape(p.etag)}</ETag>${partChecksumXml(p, options?.checksum)}</Part>`).join('') +
      '</CompleteMultipartUpload>'
    const response = await this.#request(
      'writeFile',
      path,
      { method: 'POST', bucket: path.bucket, key: path.key, query: canonicalQuery({ uploadId }), body: Buffer.from(xml, 'utf8') },
      options,
    )
    const body = response.body.toString('utf8')
    throwIfErrorBody(body, 'writeFile', path.url)
    return { etag: xmlText(body, 'ETag') ?? '' }
  }

  async abortMultipartUpload(path: S3Path, uploadId: string): Promise<void> {
    await this.#request('writeFile', path, { method: 'DELETE', bucket: path.bucket, key: path.key, query: canonicalQuery({ uploadId }) }, undefined, true)
  }

  async listMultipartUploads(path: S3Path, options?: CallOptions): Promise<MultipartUploadEntry[]> {
    const query = canonicalQuery({ prefix: path.key, uploads: '' })
    const response = await this.#request('list', path, { method: 'GET', bucket: path.bucket, key: '', query }, options)
    return xmlElements(response.body.toString('utf8'), 'Upload').map((upload) => ({
      key: xmlText(upload, 'Key') ?? '',
      uploadId: xmlDecode(xmlElements(upload, 'UploadId')[0] ?? ''),
      initiatedMs: Date.parse(xmlText(upload, 'Initiated') ?? ''),
    }))
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const id of this.#inFlight) this.#engine.cancel(id, 'ABORT_ERR', 'the file system was closed')
    if (this.#cleanups.size === 0) this.#release()
  }

  #release(): void {
    if (this.#released) return
    this.#released = true
    collected.unregister(this)
    releaseEngine(this.#engineKey)
  }
}
