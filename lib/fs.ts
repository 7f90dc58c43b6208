import type { Backend, CallOptions, DirEntry, FileStat } from './backend.js'
import { resolveConfig, type S3FileSystemOptions } from './config.js'
import { S3FsError } from './errors.js'
import { NativeBackend } from './native.js'
import { parseObjectUrl, parseS3Url } from './url.js'

export interface Stats extends FileStat {
  isFile(): boolean
}

export interface RmOptions extends CallOptions {
  /** Like fs.rm: a missing object is not an error. */
  force?: boolean
}

/**
 * A filesystem over S3, addressed by `s3://bucket/key` URLs and configured as TensorFlow's S3
 * filesystem is (see README). Directories are key prefixes: `s3://b/dir` is a directory when a
 * `dir/` marker or any key under `dir/` exists; the bucket root is always one.
 */
export class S3FileSystem {
  readonly #backend: Backend

  constructor(options: S3FileSystemOptions = {}) {
    this.#backend = new NativeBackend(resolveConfig(options))
  }

  /** Which backend serves this filesystem. */
  get backend(): 'native' | 'js' {
    return this.#backend.name
  }

  async stat(url: string, options?: CallOptions): Promise<Stats> {
    const st = await this.#backend.stat(parseS3Url(url, 'stat'), options)
    return { ...st, isFile: () => !st.isDirectory }
  }

  async exists(url: string, options?: CallOptions): Promise<boolean> {
    try {
      await this.#backend.stat(parseS3Url(url, 'exists'), options)
      return true
    } catch (error) {
      if (error instanceof S3FsError && error.code === 'ENOENT') return false
      throw error
    }
  }

  async readFile(url: string, options?: CallOptions): Promise<Buffer> {
    return this.#backend.readFile(parseObjectUrl(url, 'readFile'), options)
  }

  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; fewer at the end, 0 past it. */
  async read(url: string, buffer: Buffer, offset: number, length: number, position: number, options?: CallOptions): Promise<number> {
    const path = parseObjectUrl(url, 'read')
    for (const [name, value] of [['offset', offset], ['length', length], ['position', position]] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new S3FsError('EINVAL', `${name} must be a non-negative integer, got ${value}`, { op: 'read', url })
      }
    }
    if (offset + length > buffer.length) {
      throw new S3FsError('EINVAL', `offset + length (${offset + length}) exceeds the buffer (${buffer.length})`, { op: 'read', url })
    }
    return this.#backend.read(path, buffer, offset, length, position, options)
  }

  /** A single PUT below the part size, a multipart upload above it; a failed upload leaves nothing. */
  async writeFile(url: string, data: Uint8Array | string, options?: CallOptions): Promise<void> {
    const path = parseObjectUrl(url, 'writeFile')
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    if (!(bytes instanceof Uint8Array)) {
      throw new S3FsError('EINVAL', 'data must be a string, Buffer or Uint8Array', { op: 'writeFile', url })
    }
    await this.#backend.writeFile(path, bytes, options)
  }

  /** Names directly under a directory, as TensorFlow's GetChildren returns them: sorted, no trailing '/'. */
  async readdir(url: string, options?: CallOptions): Promise<string[]> {
    const entries = await this.#backend.readdir(parseS3Url(url, 'readdir'), options)
    return entries.map((entry: DirEntry) => entry.name)
  }

  async rm(url: string, options?: RmOptions): Promise<void> {
    try {
      await this.#backend.rm(parseObjectUrl(url, 'rm'), options)
    } catch (error) {
      if (options?.force && error instanceof S3FsError && error.code === 'ENOENT') return
      throw error
    }
  }

  /** Cancels what is in flight and releases every native resource; the filesystem is unusable after. */
  close(): void {
    this.#backend.close()
  }
}
