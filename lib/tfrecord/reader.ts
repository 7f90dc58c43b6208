import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'

import { S3FsError } from '../errors.js'
import type { S3FileSystem } from '../fs.js'
import { maskedCrc32c } from './crc32c.js'
import { openForReading } from './files.js'

export interface TFRecordReadOptions {
  /** Needed for s3:// locations. */
  fs?: S3FileSystem
  /** 'gzip' for GZIP-compressed files; default: gzip when the name ends in .gz, else none. */
  compression?: 'gzip' | 'none'
}

/** Bytes arriving in chunks, taken off the front in exact amounts. */
class ByteQueue {
  #chunks: Buffer[] = []
  #length = 0

  get length(): number {
    return this.#length
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#length += chunk.length
  }

  take(n: number): Buffer {
    this.#length -= n
    const first = this.#chunks[0]!
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const chunk = this.#chunks[0]!
      const used = Math.min(chunk.length, n - filled)
      chunk.copy(out, filled, 0, used)
      filled += used
      if (used === chunk.length) this.#chunks.shift()
      else this.#chunks[0] = chunk.subarray(used)
    }
    return out
  }
}

/**
 * TFRecord framing: uint64 length, masked CRC-32C of the length, the record, masked CRC-32C of the
 * record (all little-endian). Both CRCs are checked; a corrupt or truncated record is an EBADMSG
 * error naming the file and the record's offset.
 */
export async function* parseTFRecords(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const queue = new ByteQueue()
  let offset = 0
  let length = -1
  const corrupt = (what: string): S3FsError => new S3FsError('EBADMSG', `corrupt TFRecord: ${what} at offset ${offset}`, { op: 'readTFRecord', url: name })
  for await (const chunk of chunks) {
    queue.push(chunk)
    for (;;) {
      if (length < 0) {
        if (queue.length < 12) break
        const header = queue.take(12)
        const lengthBytes = header.subarray(0, 8)
        if (maskedCrc32c(lengthBytes) !== header.readUInt32LE(8)) throw corrupt('length CRC mismatch')
        const big = lengthBytes.readBigUInt64LE(0)
        if (big > BigInt(2 ** 31)) throw corrupt(`implausible record length ${big}`)
        length = Number(big)
      }
      if (queue.length < length + 4) break
      const data = queue.take(length)
      if (maskedCrc32c(data) !== queue.take(4).readUInt32LE(0)) throw corrupt('data CRC mismatch')
      yield data
      offset += 12 + length + 4
      length = -1
    }
  }
  if (length >= 0 || queue.length > 0) throw corrupt('truncated record')
}

/** Every record of one TFRecord file, local or s3://, streamed (never the whole file in memory). */
export function readTFRecords(location: string, options: TFRecordReadOptions = {}): AsyncGenerator<Buffer> {
  const gzip = options.compression === 'gzip' || (options.compression === undefined && location.endsWith('.gz'))
  let stream: Readable = openForReading(location, options.fs)
  if (gzip) stream = stream.pipe(createGunzip())
  return parseTFRecords(stream as AsyncIterable<Buffer>, location)
}
