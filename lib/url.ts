import { S3FsError } from './errors.js'

export interface S3Path {
  readonly bucket: string
  /** The object key; empty for the bucket root. */
  readonly key: string
  /** The URL as the caller wrote it, for error messages. */
  readonly url: string
}

const MAX_KEY_BYTES = 1024
const BUCKET_NAME = /^[a-z0-9][a-z0-9.\-_]{1,61}[a-z0-9]$/

/**
 * Parses `s3://bucket/key`. The key is taken verbatim (no percent-decoding, no normalisation of
 * `//` or `..`): S3 keys are byte strings, and `s3://b/a%20b` names the key `a%20b`.
 */
/** Half of a UTF-16 surrogate pair without its other half: no UTF-8 encoding exists for it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function parseS3Url(url: unknown, op: string): S3Path {
  if (typeof url !== 'string') {
    throw new S3FsError('EINVAL', `the path must be a string, got ${typeof url}`, { op, url: String(url) })
  }
  if (!url.startsWith('s3://')) {
    throw new S3FsError('EINVAL', 'not an s3:// URL', { op, url })
  }
  const rest = url.slice('s3://'.length)
  const slash = rest.indexOf('/')
  const bucket = slash === -1 ? rest : rest.slice(0, slash)
  const key = slash === -1 ? '' : rest.slice(slash + 1)
  if (bucket === '') throw new S3FsError('EINVAL', 'the URL names no bucket', { op, url })
  if (!BUCKET_NAME.test(bucket)) throw new S3FsError('EINVAL', `invalid bucket name '${bucket}'`, { op, url })
  if (LONE_SURROGATE.test(key)) {
    throw new S3FsError('EINVAL', 'the key is not well-formed Unicode (it has a lone surrogate), which S3 keys in UTF-8 cannot hold', { op, url })
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3FsError('ENAMETOOLONG', `the key is longer than ${MAX_KEY_BYTES} bytes`, { op, url })
  }
  return { bucket, key, url }
}

/** For operations on an object: the key must be there and must not name a directory. */
export function parseObjectUrl(url: unknown, op: string): S3Path {
  const path = parseS3Url(url, op)
  if (path.key === '') throw new S3FsError('EINVAL', 'the URL names a bucket, not an object', { op, url: path.url })
  if (path.key.endsWith('/')) throw new S3FsError('EISDIR', 'the URL names a directory', { op, url: path.url })
  return path
}
