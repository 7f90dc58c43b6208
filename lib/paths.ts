import type { S3Path } from './url.js'

/** The key prefix of a directory: "" for the root, else the key with one trailing '/'. */
export function directoryPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`
}

export function childPath(bucket: string, key: string): S3Path {
  return { bucket, key, url: `s3://${bucket}/${key}` }
}

/** The parent directory's key ("" for a top-level name). */
export function parentKey(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key
  const slash = trimmed.lastIndexOf('/')
  return slash === -1 ? '' : trimmed.slice(0, slash)
}
