import type { S3Path } from './url.js'

export interface FileStat {
  isDirectory: boolean
  size: number
  mtimeMs: number
  etag?: string
}

export interface DirEntry {
  name: string
  isDirectory: boolean
}

export interface CallOptions {
  signal?: AbortSignal | undefined
}

/**
 * The filesystem both backends implement with the same semantics and the same error codes.
 * Paths arrive parsed and validated; failures are S3FsErrors naming the URL.
 */
export interface Backend {
  readonly name: 'native' | 'js'
  stat(path: S3Path, options?: CallOptions): Promise<FileStat>
  readFile(path: S3Path, options?: CallOptions): Promise<Buffer>
  read(path: S3Path, buffer: Buffer, offset: number, length: number, position: number, options?: CallOptions): Promise<number>
  writeFile(path: S3Path, data: Uint8Array, options?: CallOptions): Promise<{ etag: string }>
  readdir(path: S3Path, options?: CallOptions): Promise<DirEntry[]>
  rm(path: S3Path, options?: CallOptions): Promise<void>
  close(): void
}
