import { createReadStream, createWriteStream } from 'node:fs'
import type { Readable, Writable } from 'node:stream'

import type { S3FileSystem } from '../fs.js'

/** An s3:// URL through the filesystem, anything else as a local path. */
export function openForReading(location: string, fs: S3FileSystem | undefined): Readable {
  if (location.startsWith('s3://')) return requireFs(fs).createReadStream(location)
  return createReadStream(location)
}

export function openForWriting(location: string, fs: S3FileSystem | undefined): Writable {
  if (location.startsWith('s3://')) return requireFs(fs).createWriteStream(location)
  return createWriteStream(location)
}

function requireFs(fs: S3FileSystem | undefined): S3FileSystem {
  if (fs === undefined) throw new TypeError('s3:// locations need an S3FileSystem: pass { fs }')
  return fs
}
