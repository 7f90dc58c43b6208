import type { ChecksumAlgorithm, StoredChecksum } from './checksums.js'
import type { ObjectAttributes, ResolvedAttributes } from './object-attributes.js'
import type { S3Path } from './url.js'

export interface FileStat extends ObjectAttributes {
  isDirectory: boolean
  size: number
  mtimeMs: number
  etag?: string
  checksum?: StoredChecksum | undefined
}

export interface DirEntry {
  name: string
  isDirectory: boolean
  /** A file's, from the listing. */
  size?: number
  mtimeMs?: number
}

export interface CallOptions {
  signal?: AbortSignal | undefined
}

/** A part of a multipart upload, or its completion. */
export interface PartOptions extends CallOptions {
  /**
   * The upload's checksum, as createMultipartUpload answered: each part carries one, and completing
   * names them. It stays the upload's even when the endpoint is found meanwhile to refuse or ignore
   * checksums (a server that declared one expects it of every part).
   */
  checksum?: ChecksumAlgorithm | undefined
}

/** A write: the attributes the new object gets (application/octet-stream and nothing else without them). */
export interface WriteOptions extends CallOptions {
  attributes?: ResolvedAttributes | undefined
  /**
   * false: a multipart upload declares no checksum and its parts carry none. For uploads that take
   * parts copied server-side: some servers (MinIO) refuse a copied part into a checksummed upload,
   * and the copied bytes never pass through this client to be checked anyway.
   */
  checksummed?: boolean | undefined
}

export interface TransferCallOptions extends WriteOptions {
  /** Called as the bytes move (every 100 ms or so, and at part boundaries) with the bytes so far. */
  onBytes?: ((bytesDone: number) => void) | undefined
}

export interface ReadOptions extends CallOptions {
  /** Pin the read to this ETag: a replaced object fails with ESTALE instead of mixing versions. */
  ifMatch?: string | undefined
}

export interface ListedObject {
  key: string
  size: number
  mtimeMs: number
  etag: string
}

export interface ListPage {
  objects: ListedObject[]
  prefixes: string[]
  nextToken?: string
}

export interface ObjectHead extends ObjectAttributes {
  size: number
  mtimeMs: number
  etag: string
  /** The checksum the server keeps with the object, when it keeps one. */
  checksum?: StoredChecksum | undefined
}

/** An upload in progress, as ListMultipartUploads reports it. */
export interface MultipartUploadEntry {
  key: string
  uploadId: string
  /** When the server initiated it (S3 gives whole seconds). */
  initiatedMs: number
}

export interface DeleteFailure {
  key: string
  code: string
  s3Code: string
  message: string
}

/** A part as the server took it: its ETag and, when the upload declared an algorithm, its checksum. */
export interface UploadedPart {
  etag: string
  checksum?: string | undefined
}

export interface CompletedPart extends UploadedPart {
  partNumber: number
}

/**
 * What each backend implements, with the same semantics and error codes: the filesystem
 * operations whose data or request patterns are hot (served natively end to end by the native
 * backend), and the S3 requests that the shared layer in lib/ composes into directories, glob,
 * copy, rename, handles and streams. Paths arrive parsed and validated; failures are S3FsErrors
 * naming the URL.
 */
export interface Backend {
  readonly name: 'native' | 'js'
  /** host:port of the server: what is learned about a server once (what it lacks) is kept by this. */
  readonly endpoint: string
  stat(path: S3Path, options?: CallOptions): Promise<FileStat>
  readFile(path: S3Path, options?: CallOptions): Promise<Buffer>
  read(path: S3Path, buffer: Buffer, offset: number, length: number, position: number, options?: ReadOptions): Promise<number>
  writeFile(path: S3Path, data: Uint8Array, options?: WriteOptions): Promise<{ etag: string }>
  readdir(path: S3Path, options?: CallOptions): Promise<DirEntry[]>
  rm(path: S3Path, options?: CallOptions): Promise<void>

  /** The object into a local file, in parallel parts, through a temporary file renamed when complete. */
  download(path: S3Path, localPath: string, options?: TransferCallOptions): Promise<{ size: number }>
  /** A local file of `size` bytes into an object, read part by part (memory bounded by part size). */
  upload(localPath: string, size: number, path: S3Path, options?: TransferCallOptions): Promise<{ etag: string }>

  head(path: S3Path, options?: CallOptions): Promise<ObjectHead>
  listPage(path: S3Path, delimiter: string, token: string, maxKeys: number, options?: CallOptions): Promise<ListPage>
  copyObject(source: S3Path, target: S3Path, options?: ReadOptions): Promise<{ etag: string }>
  deleteObjects(bucket: string, keys: string[], url: string, options?: CallOptions): Promise<DeleteFailure[]>
  /** One DELETE of one key, whatever it is (a file, a `dir/` marker, nothing): for servers without DeleteObjects. */
  deleteObject(path: S3Path, options?: CallOptions): Promise<void>
  /**
   * `attempts` above 1: the create was retried, and an earlier try may have created an upload unseen.
   * The upload declares the backend's checksum algorithm (`checksum`; none when checksums are off
   * or the server has none): its parts then carry that checksum, and completing it names each part's.
   */
  createMultipartUpload(path: S3Path, options?: WriteOptions): Promise<{ uploadId: string; attempts: number; checksum: ChecksumAlgorithm | undefined }>
  uploadPart(path: S3Path, uploadId: string, partNumber: number, body: Uint8Array, options?: PartOptions): Promise<UploadedPart>
  /** A part copied server-side, into an upload created with `checksummed: false`. */
  uploadPartCopy(
    path: S3Path,
    uploadId: string,
    partNumber: number,
    source: S3Path,
    range: { start: number; end: number },
    options?: ReadOptions,
  ): Promise<UploadedPart>
  completeMultipartUpload(path: S3Path, uploadId: string, parts: CompletedPart[], options?: PartOptions): Promise<{ etag: string }>
  abortMultipartUpload(path: S3Path, uploadId: string): Promise<void>
  listMultipartUploads(path: S3Path, options?: CallOptions): Promise<MultipartUploadEntry[]>
  close(): void
}
