import type { Backend, CallOptions, CompletedPart } from './backend.js'
import { invalidArgType, S3FsError } from './errors.js'
import { abortUpload, completeUpload, type CreatedUpload, createUpload } from './multipart.js'
import type { ResolvedAttributes } from './object-attributes.js'
import type { S3Path } from './url.js'
import { viewBytes } from './view-bytes.js'

export interface WriteHandleSettings {
  partSize: number
  /** Parts uploading at once; memory is bounded by partSize x (this + 1). */
  writeConcurrency: number
}

interface PendingUpload {
  backend: Backend
  path: S3Path
  uploadId?: string
  finished: boolean
}

// A write handle dropped without close() or abort() aborts its upload when it is collected.
const abandoned = new FinalizationRegistry<PendingUpload>((upload) => {
  if (!upload.finished && upload.uploadId !== undefined) void abortUpload(upload.backend, upload.path, upload.uploadId)
})

/**
 * A streaming upload (TensorFlow's WritableFile without its temp file and whole re-uploads): data
 * fills part-size buffers that upload as they fill, a bounded number at a time. Nothing is visible
 * until close() resolves; a small file is one PUT. A failure, abort() or an unclosed handle
 * collected by the GC aborts the multipart upload, so no parts are left behind.
 */
export class WriteHandle {
  readonly #backend: Backend
  readonly #path: S3Path
  readonly #settings: WriteHandleSettings
  readonly #attributes: ResolvedAttributes | undefined
  readonly #upload: PendingUpload
  readonly #parts: CompletedPart[] = []
  readonly #inFlight = new Set<Promise<void>>()
  #created: Promise<CreatedUpload> | undefined
  #etag: string | undefined
  #buffer: Buffer | undefined
  #filled = 0
  #nextPartNumber = 1
  #failure: unknown
  #state: 'open' | 'closing' | 'closed' | 'aborted' = 'open'

  constructor(backend: Backend, path: S3Path, settings: WriteHandleSettings, attributes?: ResolvedAttributes) {
    this.#backend = backend
    this.#path = path
    this.#settings = settings
    this.#attributes = attributes
    this.#upload = { backend, path, finished: false }
    abandoned.register(this, this.#upload, this.#upload)
  }

  get url(): string {
    return this.#path.url
  }

  /** The object's ETag, once close() has resolved. */
  get etag(): string | undefined {
    return this.#etag
  }

  /** Takes a string or any ArrayBufferView (Buffer, TypedArray, DataView). */
  async write(data: ArrayBufferView | string, options: CallOptions = {}): Promise<void> {
    this.#checkWritable('write')
    if (typeof data !== 'string' && !ArrayBuffer.isView(data)) throw invalidArgType('data', 'a string, Buffer, TypedArray or DataView', data)
    let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : viewBytes('data', data)
    while (bytes.length > 0) {
      this.#buffer ??= Buffer.allocUnsafe(this.#settings.partSize)
      const n = Math.min(bytes.length, this.#buffer.length - this.#filled)
      this.#buffer.set(bytes.subarray(0, n), this.#filled)
      this.#filled += n
      bytes = bytes.subarray(n)
      if (this.#filled === this.#buffer.length) await this.#sendPart(options)
    }
  }

  /** Uploads what is left and completes the upload: the object is durable and visible when this resolves. */
  async close(options: CallOptions = {}): Promise<void> {
    this.#checkWritable('close')
    this.#state = 'closing'
    try {
      if (this.#created === undefined) {
        const data = (this.#buffer ?? Buffer.alloc(0)).subarray(0, this.#filled)
        ;({ etag: this.#etag } = await this.#backend.writeFile(this.#path, data, { ...options, attributes: this.#attributes }))
      } else {
        if (this.#filled > 0) await this.#sendPart(options)
        await Promise.all(this.#inFlight)
        if (this.#failure !== undefined) throw this.#failure
        const parts = [...this.#parts].sort((a, b) => a.partNumber - b.partNumber)
        const { uploadId, checksum } = await this.#created
        ;({ etag: this.#etag } = await completeUpload(this.#backend, this.#path, uploadId, parts, { ...options, checksum }))
      }
      this.#state = 'closed'
      this.#finish()
    } catch (error) {
      await this.abort()
      throw error
    }
  }

  /**
   * `await using handle = await fs.open(url, 'w')`: leaving the scope without close() discards what
   * was written (the upload is aborted), so a scope left by an exception never publishes a partial
   * object. Call close() to publish.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.abort()
  }

  /** Discards everything written: the multipart upload, if one began, is aborted. */
  async abort(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'aborted') return
    this.#state = 'aborted'
    this.#buffer = undefined
    const created = this.#created
    if (created !== undefined) {
      await Promise.allSettled(this.#inFlight)
      const upload = await created.catch(() => undefined)
      if (upload !== undefined) await abortUpload(this.#backend, this.#path, upload.uploadId)
    }
    this.#finish()
  }

  #finish(): void {
    this.#upload.finished = true
    abandoned.unregister(this.#upload)
  }

  #checkWritable(op: string): void {
    if (this.#failure !== undefined) throw this.#failure
    if (this.#state !== 'open') throw new S3FsError('EBADF', `the write handle is ${this.#state}`, { op, url: this.#path.url })
  }

  async #sendPart(options: CallOptions): Promise<void> {
    const body = this.#buffer!.subarray(0, this.#filled)
    this.#buffer = undefined
    this.#filled = 0
    if (this.#created === undefined) {
      this.#created = createUpload(this.#backend, this.#path, { ...options, attributes: this.#attributes })
      this.#created.then(({ uploadId }) => (this.#upload.uploadId = uploadId)).catch(() => undefined)
    }
    const partNumber = this.#nextPartNumber++
    const upload: Promise<void> = this.#created
      .then(({ uploadId, checksum }) => this.#backend.uploadPart(this.#path, uploadId, partNumber, body, { ...options, checksum }))
      .then((part) => void this.#parts.push({ partNumber, ...part }))
      .catch((error: unknown) => void (this.#failure ??= error))
      .finally(() => this.#inFlight.delete(upload))
    this.#inFlight.add(upload)
    while (this.#inFlight.size >= this.#settings.writeConcurrency) await Promise.race(this.#inFlight)
    if (this.#failure !== undefined) {
      const failure = this.#failure
      await this.abort()
      throw failure
    }
  }
}
