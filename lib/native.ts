import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Backend, CallOptions, DirEntry, FileStat } from './backend.js'
import type { ResolvedConfig } from './config.js'
import { errorFromStatus, isFailureStatus, S3FsError } from './errors.js'
import type { S3Path } from './url.js'

interface NativeEngine {
  stat(id: number, bucket: string, key: string): Promise<FileStat>
  readFile(id: number, bucket: string, key: string): Promise<Buffer>
  read(id: number, bucket: string, key: string, buffer: Buffer, offset: number, length: number, position: number): Promise<number>
  writeFile(id: number, bucket: string, key: string, data: Uint8Array): Promise<{ etag: string }>
  readdir(id: number, bucket: string, key: string): Promise<DirEntry[]>
  rm(id: number, bucket: string, key: string): Promise<void>
  cancel(id: number, code: string, message: string): void
  close(): void
}

interface NativeBinding {
  Engine: new (config: ResolvedConfig) => NativeEngine
}

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

let binding: NativeBinding | undefined
let loadError: Error | undefined

/** Loads the addon once per environment; the error says what to run when it cannot be loaded. */
export function loadNativeBinding(): NativeBinding {
  if (binding !== undefined) return binding
  if (loadError !== undefined) throw loadError
  try {
    const require = createRequire(import.meta.url)
    const load = require('node-gyp-build') as (dir: string) => NativeBinding
    binding = load(packageRoot)
    return binding
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
    loadError = new Error(
      `s3fs-native: the native addon could not be loaded (${reason}).\n` +
        `- Build it: in ${packageRoot} run "npm run build" (needs cmake, g++, libssl-dev and dpkg-dev; ` +
        `as root it installs them), or reinstall with "npm install s3fs-native --foreground-scripts" to see the build.\n` +
        `- Or use the pure-JS backend: new S3FileSystem({ backend: 'js' }) or S3FS_BACKEND=js.`,
      { cause },
    )
    throw loadError
  }
}

/** The native backend: every call is one native operation; JS only sees its Promise settle. */
export class NativeBackend implements Backend {
  readonly name = 'native' as const
  readonly #engine: NativeEngine
  readonly #credentialSources: string
  #nextId = 1

  constructor(config: ResolvedConfig) {
    const { Engine } = loadNativeBinding()
    this.#engine = new Engine(config)
    this.#credentialSources = config.credentialSources
  }

  async #call<T>(op: string, path: S3Path, options: CallOptions | undefined, start: (id: number) => Promise<T>): Promise<T> {
    const signal = options?.signal
    if (signal?.aborted) throw abortError(op, path, signal)
    const id = this.#nextId++
    const onAbort = (): void => this.#engine.cancel(id, 'ABORT_ERR', 'the operation was aborted')
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await start(id)
    } catch (failure) {
      if (isFailureStatus(failure)) throw errorFromStatus(failure, op, path.url, this.#credentialSources)
      throw failure
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  stat(path: S3Path, options?: CallOptions): Promise<FileStat> {
    return this.#call('stat', path, options, (id) => this.#engine.stat(id, path.bucket, path.key))
  }

  readFile(path: S3Path, options?: CallOptions): Promise<Buffer> {
    return this.#call('readFile', path, options, (id) => this.#engine.readFile(id, path.bucket, path.key))
  }

  read(path: S3Path, buffer: Buffer, offset: number, length: number, position: number, options?: CallOptions): Promise<number> {
    return this.#call('read', path, options, (id) => this.#engine.read(id, path.bucket, path.key, buffer, offset, length, position))
  }

  writeFile(path: S3Path, data: Uint8Array, options?: CallOptions): Promise<{ etag: string }> {
    return this.#call('writeFile', path, options, (id) => this.#engine.writeFile(id, path.bucket, path.key, data))
  }

  readdir(path: S3Path, options?: CallOptions): Promise<DirEntry[]> {
    return this.#call('readdir', path, options, (id) => this.#engine.readdir(id, path.bucket, path.key))
  }

  rm(path: S3Path, options?: CallOptions): Promise<void> {
    return this.#call('rm', path, options, (id) => this.#engine.rm(id, path.bucket, path.key))
  }

  close(): void {
    this.#engine.close()
  }
}

function abortError(op: string, path: S3Path, signal: AbortSignal): S3FsError {
  return new S3FsError('ABORT_ERR', 'the operation was aborted', { op, url: path.url, cause: signal.reason })
}
