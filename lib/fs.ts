import { stat as fsStat } from 'node:fs/promises'
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

import type { Backend, CallOptions, DirEntry, FileStat } from './backend.js'
import { resolveConfig, type ResolvedConfig, type S3FileSystemOptions } from './config.js'
import { checkTransferOptions, downloadFile, type UploadOptions, downloadTree, type TransferOptions, type TransferSummary, uploadFile, uploadTree } from './bulk-transfer.js'
import { appendFile, copyObject, copyTree, rename } from './copy.js'
import { mkdir, type MkdirOptions, refuseDirectoryTarget, removeTree, rmdir } from './directories.js'
import { checkLocalPath, checkSignal, hasCode, invalidArgType, OperationDeadline, S3FsError } from './errors.js'
import { glob } from './glob.js'
import { JsBackend } from './js/backend.js'
import { limitBackend, Limiter } from './limiter.js'
import { type ListEntry, listEntries } from './listing.js'
import { NativeBackend } from './native.js'
import { checkReadArguments } from './read-arguments.js'
import { ReadHandle } from './read-handle.js'
import { readStream, type ReadStreamOptions, writeStream, type WriteStreamOptions } from './streams.js'
import { type ObjectAttributes, resolveAttributes } from './object-attributes.js'
import { parseObjectUrl, parseS3Url } from './url.js'
import { viewBytes } from './view-bytes.js'
import { WriteHandle } from './write-handle.js'

/** What stat returns, shaped like node:fs's Stats so that code moves between the two. */
export interface Stats extends Omit<FileStat, 'isDirectory'> {
  isFile(): boolean
  isDirectory(): boolean
  /** mtimeMs as a Date (the epoch for a directory, which S3 keeps no time for). */
  mtime: Date
}

/** What writeFile takes, as fs.writeFile does. */
export type WriteFileData = string | ArrayBufferView | ArrayBuffer | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>

export interface ReadFileOptions extends CallOptions {
  /** Decode the bytes as this encoding and return a string, as fs.readFile does. */
  encoding?: BufferEncoding | null
}

export interface RmOptions extends CallOptions {
  /** Like fs.rm: a missing path is not an error. */
  force?: boolean
  /** Everything under the path too, in batched deletes. */
  recursive?: boolean
  /** A recursive rm of a bucket root (s3://bucket/) is refused unless this is set, as `rm -rf /` is without --no-preserve-root. */
  allowBucketRoot?: boolean
}

/** writeFile's options: a signal, and the object's attributes (content type, cache control, metadata). */
export interface WriteFileOptions extends CallOptions, ObjectAttributes {}

export interface CpOptions extends TransferOptions {
  /** Copy a directory and everything under it. */
  recursive?: boolean
}

export interface ListOptions extends CallOptions {
  /** Every file of the tree, not only the entries directly under the directory. */
  recursive?: boolean
}

export interface ReaddirOptions extends CallOptions {
  withFileTypes?: boolean
}

export interface Dirent {
  name: string
  isDirectory(): boolean
  isFile(): boolean
  /** A file's size and modification time, from the listing (no request per entry). */
  size?: number
  mtime?: Date
  mtimeMs?: number
}

/**
 * A filesystem over S3, addressed by `s3://bucket/key` URLs and configured as TensorFlow's S3
 * filesystem is (see README). Directories are key prefixes: `s3://b/dir` is a directory when a
 * `dir/` marker or any key under `dir/` exists; the bucket root is always one.
 */
export class S3FileSystem {
  readonly #backend: Backend
  readonly #config: ResolvedConfig

  /**
   * The call's options with its deadline (operationTimeoutMs) joined to the caller's signal: the
   * operation is aborted with ETIMEDOUT when it runs out of time, retries included.
   */
  #bounded<T extends CallOptions>(options: T | null | undefined): T {
    checkSignal(options)
    const settings = options ?? ({} as T)
    const timeoutMs = this.#config.operationTimeoutMs
    if (timeoutMs === 0) return settings
    const deadline = new AbortController()
    // Unref'd and never cleared: firing after the operation has settled aborts nothing.
    setTimeout(() => deadline.abort(new OperationDeadline(timeoutMs)), timeoutMs).unref()
    return { ...settings, signal: settings.signal ? AbortSignal.any([settings.signal, deadline.signal]) : deadline.signal }
  }

  constructor(options: S3FileSystemOptions = {}) {
    // Every method takes null options as the defaults, as node:fs does.
    options ??= {}
    this.#config = resolveConfig(options)
    this.#backend = limitBackend(selectBackend(this.#config), new Limiter(this.#config.maxInFlight))
  }

  /** Which backend serves this filesystem. */
  get backend(): 'native' | 'js' {
    return this.#backend.name
  }

  async stat(url: string, options?: CallOptions): Promise<Stats> {
    options = this.#bounded(options)
    const { isDirectory, ...st } = await this.#backend.stat(parseS3Url(url, 'stat'), options)
    return { ...st, mtime: new Date(st.mtimeMs), isDirectory: () => isDirectory, isFile: () => !isDirectory }
  }

  async exists(url: string, options?: CallOptions): Promise<boolean> {
    options = this.#bounded(options)
    try {
      await this.#backend.stat(parseS3Url(url, 'exists'), options)
      return true
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return false
      throw error
    }
  }

  /** The whole object: a Buffer, or with an encoding ('utf8' or { encoding }) a string, as fs.readFile. */
  readFile(url: string, options: BufferEncoding | (ReadFileOptions & { encoding: BufferEncoding })): Promise<string>
  readFile(url: string, options?: ReadFileOptions | null): Promise<Buffer>
  async readFile(url: string, options?: BufferEncoding | ReadFileOptions | null): Promise<Buffer | string> {
    const callOptions = this.#bounded(typeof options === 'string' ? {} : options)
    const encoding = typeof options === 'string' ? options : options?.encoding
    if (encoding != null && !Buffer.isEncoding(encoding)) {
      throw Object.assign(new TypeError(`The argument 'encoding' is invalid encoding. Received '${String(encoding)}'`), { code: 'ERR_INVALID_ARG_VALUE' })
    }
    const bytes = await this.#backend.readFile(parseObjectUrl(url, 'readFile'), callOptions)
    return encoding == null ? bytes : bytes.toString(encoding)
  }

  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; fewer at the end, 0 past it. */
  async read(url: string, buffer: Buffer, offset: number, length: number, position: number | bigint, options?: CallOptions): Promise<number> {
    options = this.#bounded(options)
    const path = parseObjectUrl(url, 'read')
    const at = checkReadArguments(buffer, offset, length, position, url)
    return this.#backend.read(path, buffer, offset, length, at, options)
  }

  /**
   * A single PUT below the part size, a multipart upload above it; a failed upload leaves nothing.
   * Takes what fs.writeFile takes: a string, any TypedArray, DataView or ArrayBuffer, or an (async)
   * iterable of chunks such as a Readable, which is streamed through a multipart upload (memory
   * bounded by part size x parts in flight, not by the data's size).
   */
  async writeFile(url: string, data: WriteFileData, options?: WriteFileOptions | null): Promise<void> {
    options = this.#bounded(options)
    const path = parseObjectUrl(url, 'writeFile')
    const bytes = bytesOf(data)
    if (bytes === undefined && !isIterable(data)) throw invalidArgType('data', 'a string, TypedArray, DataView, ArrayBuffer or an (async) iterable', data)
    const attributes = resolveAttributes(path.key, options, 'writeFile', url)
    await refuseDirectoryTarget(this.#backend, path, 'writeFile', options)
    if (bytes !== undefined) {
      await this.#backend.writeFile(path, bytes, { signal: options.signal, attributes })
      return
    }
    const stream = writeStream(new WriteHandle(this.#backend, path, this.#config, attributes), options.signal ? { signal: options.signal } : {})
    await pipeline(Readable.from(byteChunks(data as Iterable<unknown> | AsyncIterable<unknown>)), stream)
  }

  /** Appends without re-uploading what is there when it is 5 MiB or more (server-side copy). */
  async appendFile(url: string, data: string | ArrayBufferView | ArrayBuffer, options?: CallOptions): Promise<void> {
    options = this.#bounded(options)
    const path = parseObjectUrl(url, 'appendFile')
    const bytes = bytesOf(data)
    if (bytes === undefined) throw invalidArgType('data', 'a string, TypedArray, DataView or ArrayBuffer', data)
    await appendFile(this.#backend, path, bytes, this.#config.partSize, options)
  }

  /**
   * Downloads an object into a local file without holding it in memory (no partial file on
   * failure); a directory URL (s3://b/dir/, or one that stats as a directory) downloads every
   * object under it, in parallel. Local files whose size and ETag already match are skipped;
   * `onProgress` hears of bytes as they move and of each file as it finishes.
   */
  async download(url: string, localPath: string, options?: TransferOptions): Promise<TransferSummary> {
    checkLocalPath('localPath', localPath)
    options = this.#bounded(options)
    checkTransferOptions(options)
    const path = parseS3Url(url, 'download')
    // node:fs takes an empty path for none (ENOENT), not for the working directory.
    if (localPath === '') throw new S3FsError('ENOENT', "no such file or directory, ''", { op: 'download', url })
    const st = path.key === '' || path.key.endsWith('/') ? undefined : await this.#backend.stat(path, options)
    if (st === undefined || st.isDirectory) return downloadTree(this.#backend, path, localPath, this.#config.partSize, options)
    return downloadFile(this.#backend, parseObjectUrl(url, 'download'), localPath, st, this.#config.partSize, options)
  }

  /**
   * Uploads a local file part by part (memory bounded by the part size, not the file's); a local
   * directory uploads every file under it, in parallel. Objects whose size and ETag already match
   * are skipped; `onProgress` hears of bytes as they move and of each file as it finishes.
   */
  async upload(localPath: string, url: string, options?: UploadOptions | null): Promise<TransferSummary> {
    checkLocalPath('localPath', localPath)
    options = this.#bounded(options)
    checkTransferOptions(options)
    resolveAttributes(parseS3Url(url, 'upload').key, options, 'upload', url)
    let st
    try {
      st = await fsStat(localPath)
    } catch (error) {
      const { code = 'EIO', message } = error as NodeJS.ErrnoException
      throw new S3FsError(code, `cannot read ${localPath}: ${message}`, { op: 'upload', url, cause: error })
    }
    if (st.isDirectory()) return uploadTree(this.#backend, localPath, parseS3Url(url, 'upload'), this.#config.partSize, options)
    return uploadFile(this.#backend, localPath, st.size, parseObjectUrl(url, 'upload'), this.#config.partSize, options)
  }

  /** Names directly under a directory, as TensorFlow's GetChildren returns them: sorted, no trailing '/'. */
  readdir(url: string, options: ReaddirOptions & { withFileTypes: true }): Promise<Dirent[]>
  readdir(url: string, options?: ReaddirOptions): Promise<string[]>
  async readdir(url: string, options: ReaddirOptions = {}): Promise<string[] | Dirent[]> {
    options = this.#bounded(options)
    const entries = await this.#backend.readdir(parseS3Url(url, 'readdir'), options)
    if (!options.withFileTypes) return entries.map((entry: DirEntry) => entry.name)
    return entries.map(({ name, isDirectory, size, mtimeMs }) => ({
      name,
      isDirectory: () => isDirectory,
      isFile: () => !isDirectory,
      ...(size === undefined ? {} : { size }),
      ...(mtimeMs === undefined ? {} : { mtime: new Date(mtimeMs), mtimeMs }),
    }))
  }

  /**
   * The entries under a directory as an async iterable that lists lazily, a page at a time: files
   * and directories directly under it, or with `recursive` every file of the tree (`name` is then
   * the path below `url`). Sizes, times and ETags come from the listing, with no request per entry.
   */
  list(url: string, options?: ListOptions | null): AsyncIterable<ListEntry> {
    checkSignal(options)
    const settings = options ?? {}
    return listEntries(this.#backend, parseS3Url(url, 'list'), settings.recursive === true, settings)
  }

  /** TensorFlow's CreateDir: a `dir/` marker. */
  async mkdir(url: string, options?: MkdirOptions): Promise<void> {
    options = this.#bounded(options)
    await mkdir(this.#backend, parseS3Url(url, 'mkdir'), options)
  }

  /** Removes an empty directory; ENOTEMPTY when anything is under it. */
  async rmdir(url: string, options?: CallOptions): Promise<void> {
    options = this.#bounded(options)
    await rmdir(this.#backend, parseS3Url(url, 'rmdir'), options)
  }

  /** Removes an object; with `recursive`, everything under the path too (per-key failures on the error's `failures`). */
  async rm(url: string, options: RmOptions = {}): Promise<void> {
    options = this.#bounded(options)
    try {
      if (options.recursive) {
        const path = parseS3Url(url, 'rm')
        if (path.key === '' && !options.allowBucketRoot) {
          throw new S3FsError('EPERM', 'refusing to remove everything in a bucket (pass { allowBucketRoot: true } to mean it)', { op: 'rm', url })
        }
        await removeTree(this.#backend, path, options)
      }
      else await this.#backend.rm(parseObjectUrl(url, 'rm'), options)
    } catch (error) {
      if (options.force && hasCode(error, 'ENOENT')) return
      throw error
    }
  }

  /** TensorFlow's GetMatchingPaths: `*`, `?`, `[...]` within a segment, `**` across segments. */
  async glob(pattern: string, options?: CallOptions): Promise<string[]> {
    options = this.#bounded(options)
    return glob(this.#backend, parseS3Url(pattern, 'glob'), options)
  }

  /** Server-side copy; multipart (parallel UploadPartCopy) above `multipartCopyThreshold`. */
  /**
   * Like fs.cp: copies a file, or with `recursive` a directory tree, server-side (no bytes pass
   * through this process), `concurrency` objects at a time; `onProgress` after each file.
   */
  async cp(source: string, target: string, options?: CpOptions | null): Promise<TransferSummary> {
    const settings = this.#bounded(options)
    checkTransferOptions(settings)
    return copyTree(this.#backend, parseS3Url(source, 'cp'), parseS3Url(target, 'cp'), this.#config, settings)
  }

  async copyFile(source: string, target: string, options?: CallOptions): Promise<void> {
    options = this.#bounded(options)
    const to = parseObjectUrl(target, 'copyFile')
    await refuseDirectoryTarget(this.#backend, to, 'copyFile', options)
    await copyObject(this.#backend, parseObjectUrl(source, 'copyFile'), to, this.#config, options)
  }

  /** Copy then delete, for a file or a whole directory. Not atomic, but a directory is never left split: rolled back or finished (copy.ts). */
  async rename(source: string, target: string, options?: CallOptions): Promise<void> {
    options = this.#bounded(options)
    const from = parseS3Url(source, 'rename')
    const to = parseS3Url(target, 'rename')
    if (to.key === '') throw new S3FsError('EINVAL', 'the target names a bucket root', { op: 'rename', url: target })
    await rename(this.#backend, from, to, this.#config, options)
  }

  /** A random-access handle pinned to the object's current version ('r') or a streaming upload ('w'). */
  open(url: string, flags?: 'r', options?: CallOptions): Promise<ReadHandle>
  open(url: string, flags: 'w', options?: CallOptions & ObjectAttributes): Promise<WriteHandle>
  async open(url: string, flags: 'r' | 'w' = 'r', options?: (CallOptions & ObjectAttributes) | null): Promise<ReadHandle | WriteHandle> {
    options = this.#bounded(options)
    const path = parseObjectUrl(url, 'open')
    if (flags === 'r') return ReadHandle.open(this.#backend, path, this.#config, options)
    if (flags === 'w') return new WriteHandle(this.#backend, path, this.#config, resolveAttributes(path.key, options, 'open', url))
    throw new S3FsError('EINVAL', `flags must be 'r' or 'w', got ${String(flags)}`, { op: 'open', url })
  }

  createReadStream(url: string, options?: ReadStreamOptions): Readable {
    options ??= {}
    const path = parseObjectUrl(url, 'createReadStream')
    return readStream(() => ReadHandle.open(this.#backend, path, this.#config, options), options)
  }

  createWriteStream(url: string, options?: (WriteStreamOptions & ObjectAttributes) | null): Writable {
    options ??= {}
    const path = parseObjectUrl(url, 'createWriteStream')
    return writeStream(new WriteHandle(this.#backend, path, this.#config, resolveAttributes(path.key, options, 'createWriteStream', url)), options)
  }

  /** Cancels what is in flight and releases every native resource; the filesystem is unusable after. */
  close(): void {
    this.#backend.close()
  }
}

let warnedAboutFallback = false

/** Native unless asked otherwise; 'auto' falls back to the JS backend with one warning that says why. */
function selectBackend(config: ResolvedConfig): Backend {
  if (config.backend === 'js') return new JsBackend(config)
  try {
    return new NativeBackend(config)
  } catch (error) {
    if (config.backend === 'native' || !(error instanceof Error) || !error.message.startsWith('s3fs-native:')) throw error
    if (!warnedAboutFallback) {
      warnedAboutFallback = true
      process.emitWarning(`${error.message.split('\n').slice(0, 2).join(' ')} Using the pure-JS backend meanwhile; S3FS_BACKEND=js silences this.`, {
        code: 'S3FS_NATIVE_UNAVAILABLE',
      })
    }
    return new JsBackend(config)
  }
}

/** Bytes in any of the forms fs.writeFile takes them, without copying; undefined for anything else. */
function bytesOf(data: unknown): Uint8Array | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (ArrayBuffer.isView(data)) return viewBytes('data', data)
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return new Uint8Array(data)
  return undefined
}

/** An iterable's chunks, each checked: anything but a string or an ArrayBufferView ends the write with a TypeError. */
async function* byteChunks(data: Iterable<unknown> | AsyncIterable<unknown>): AsyncGenerator<string | ArrayBufferView> {
  for await (const chunk of data) {
    if (typeof chunk !== 'string' && !ArrayBuffer.isView(chunk)) throw invalidArgType('data', 'an iterable of strings, Buffers, TypedArrays or DataViews', chunk)
    yield chunk
  }
}

function isIterable(data: unknown): data is Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string> {
  return data != null && (typeof (data as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
}

