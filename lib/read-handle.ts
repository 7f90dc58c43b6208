import type { Backend, CallOptions, FileStat } from './backend.js'
import { hasCode, invalidArgType, S3FsError } from './errors.js'
import { checkReadArguments } from './read-arguments.js'
import type { S3Path } from './url.js'
import { viewBytes } from './view-bytes.js'

export interface HandleReadOptions extends CallOptions {
  offset?: number
  length?: number
  position?: number | bigint | null
}

/** What FileHandle.read resolves to: the bytes read, and the buffer they were read into. */
export interface HandleReadResult<T extends ArrayBufferView> {
  bytesRead: number
  buffer: T
}

export interface ReadHandleSettings {
  /** Bytes fetched ahead of a sequential reader, in parallel chunks. */
  readAheadBytes: number
  /** Size of one read-ahead request. */
  readAheadChunkBytes: number
}

/**
 * A random-access file (TensorFlow's RandomAccessFile) pinned to the version seen at open: every
 * read carries If-Match with that ETag, so an object replaced while it is read fails with ESTALE,
 * never returning a mix of two versions. Sequential reading is detected and served from a window
 * of chunks fetched in parallel ahead of the reader (ramping up to `readAheadBytes`); random reads
 * fetch just what they ask for, straight into the caller's buffer.
 */
export class ReadHandle {
  readonly #backend: Backend
  readonly #path: S3Path
  readonly #stat: FileStat & { etag: string }
  readonly #settings: ReadHandleSettings
  readonly #chunks = new Map<number, Promise<Buffer>>()
  readonly #abort = new AbortController()
  #expected = 0
  /** Where a read without a position continues. */
  #position = 0
  #streak = 0
  #closed = false

  private constructor(backend: Backend, path: S3Path, stat: FileStat & { etag: string }, settings: ReadHandleSettings) {
    this.#backend = backend
    this.#path = path
    this.#stat = stat
    this.#settings = settings
  }

  static async open(backend: Backend, path: S3Path, settings: ReadHandleSettings, options: CallOptions = {}): Promise<ReadHandle> {
    const st = await backend.stat(path, options)
    if (st.isDirectory) throw new S3FsError('EISDIR', 'is a directory', { op: 'open', url: path.url })
    return new ReadHandle(backend, path, { ...st, etag: st.etag ?? '' }, settings)
  }

  get url(): string {
    return this.#path.url
  }

  stat(): FileStat {
    return { ...this.#stat }
  }

  /**
   * Reads up to `length` bytes at `position` into `buffer` (any ArrayBufferView) at `offset`, as
   * FileHandle.read does: fewer at the end, 0 past it; a null or absent position reads on from
   * where the last such read stopped. Also `read(buffer, { offset, length, position, signal })`.
   */
  read<T extends ArrayBufferView>(buffer: T, options?: HandleReadOptions | null): Promise<HandleReadResult<T>>
  read<T extends ArrayBufferView>(buffer: T, offset?: number, length?: number, position?: number | bigint | null, options?: CallOptions): Promise<HandleReadResult<T>>
  async read<T extends ArrayBufferView>(
    buffer: T,
    offsetOrOptions?: number | HandleReadOptions | null,
    length?: number,
    position?: number | bigint | null,
    options: CallOptions = {},
  ): Promise<HandleReadResult<T>> {
    if (typeof offsetOrOptions === 'object' && offsetOrOptions !== null) {
      const { offset, length: n, position: at, ...rest } = offsetOrOptions
      return this.read(buffer, offset, n, at, rest)
    }
    if (!ArrayBuffer.isView(buffer)) {
      throw invalidArgType('buffer', 'a Buffer, TypedArray or DataView', buffer)
    }
    const view = viewBytes('buffer', buffer)
    const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength)
    const offset = offsetOrOptions ?? 0
    const sequential = position === null || position === undefined
    const from = this.#position
    const bytesRead = await this.#readAt(bytes, offset, length ?? bytes.length - offset, sequential ? from : position, options ?? {})
    if (sequential) this.#position = from + bytesRead
    return { bytesRead, buffer }
  }

  async #readAt(buffer: Buffer, offset: number, length: number, at: number | bigint, options: CallOptions): Promise<number> {
    if (this.#closed) throw new S3FsError('EBADF', 'the file handle is closed', { op: 'read', url: this.#path.url })
    const position = checkReadArguments(buffer, offset, length, at, this.#path.url)
    const size = this.#stat.size
    if (position >= size || length === 0) return 0
    const n = Math.min(length, size - position)
    const sequential = position === this.#expected
    this.#expected = position + n
    this.#streak = sequential ? this.#streak + 1 : 0
    try {
      if (!sequential && !this.#cached(position, n)) {
        this.#chunks.clear()
        return await this.#backend.read(this.#path, buffer, offset, n, position, { ...options, ifMatch: this.#stat.etag })
      }
      return await this.#readFromChunks(buffer, offset, n, position)
    } catch (error) {
      throw this.#stale(error)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#abort.abort()
    this.#chunks.clear()
  }

  /** `await using handle = await fs.open(url)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #cached(position: number, length: number): boolean {
    const chunk = this.#settings.readAheadChunkBytes
    for (let i = Math.floor(position / chunk); i * chunk < position + length; i++) if (!this.#chunks.has(i)) return false
    return true
  }

  async #readFromChunks(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    const chunkBytes = this.#settings.readAheadChunkBytes
    const first = Math.floor(position / chunkBytes)
    const last = Math.floor((position + length - 1) / chunkBytes)
    for (const index of this.#chunks.keys()) if (index < first) this.#chunks.delete(index)
    // Ramp up: a reader that keeps going sequentially earns a wider window.
    const windowChunks = Math.max(1, Math.min(Math.floor(this.#settings.readAheadBytes / chunkBytes), 2 ** Math.min(this.#streak, 6)))
    const lastChunk = Math.ceil(this.#stat.size / chunkBytes) - 1
    for (let i = first; i <= Math.min(lastChunk, Math.max(last, first + windowChunks - 1)); i++) this.#fetch(i)
    let copied = 0
    for (let i = first; i <= last; i++) {
      const chunk = await this.#fetch(i)
      const chunkStart = i * chunkBytes
      const from = Math.max(position, chunkStart) - chunkStart
      const to = Math.min(position + length, chunkStart + chunk.length) - chunkStart
      chunk.copy(buffer, offset + copied, from, to)
      copied += to - from
    }
    return copied
  }

  #fetch(index: number): Promise<Buffer> {
    let chunk = this.#chunks.get(index)
    if (chunk === undefined) {
      const chunkBytes = this.#settings.readAheadChunkBytes
      const start = index * chunkBytes
      const length = Math.min(chunkBytes, this.#stat.size - start)
      const buffer = Buffer.allocUnsafe(length)
      chunk = this.#backend
        .read(this.#path, buffer, 0, length, start, { ifMatch: this.#stat.etag, signal: this.#abort.signal })
        .then((n) => buffer.subarray(0, n))
      // A prefetch nobody awaits must not become an unhandled rejection; readers see it on await.
      chunk.catch(() => this.#chunks.delete(index))
      this.#chunks.set(index, chunk)
    }
    return chunk
  }

  #stale(error: unknown): unknown {
    if (hasCode(error, 'ESTALE')) {
      return new S3FsError('ESTALE', 'the object was replaced since the handle was opened', { op: 'read', url: this.#path.url, cause: error })
    }
    return error
  }
}
