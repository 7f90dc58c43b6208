import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import { PassThrough } from 'node:stream'
import { createGzip } from 'node:zlib'

import type { S3FileSystem } from '../fs.js'
import { maskedCrc32c } from './crc32c.js'
import { openForWriting } from './files.js'

export interface TFRecordWriteOptions {
  fs?: S3FileSystem
  /** 'gzip' to compress; default: gzip when the name ends in .gz, else none. */
  compression?: 'gzip' | 'none'
}

export function frameTFRecord(record: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(12 + record.length + 4)
  frame.writeBigUInt64LE(BigInt(record.length), 0)
  frame.writeUInt32LE(maskedCrc32c(frame.subarray(0, 8)), 8)
  frame.set(record, 12)
  frame.writeUInt32LE(maskedCrc32c(record), 12 + record.length)
  return frame
}

/**
 * Writes TFRecord files, local or s3:// (a streaming multipart upload: the object appears whole at
 * close, and an aborted writer leaves nothing).
 */
export class TFRecordWriter {
  readonly #input: PassThrough
  readonly #done: Promise<void>

  constructor(location: string, options: TFRecordWriteOptions = {}) {
    const gzip = options.compression === 'gzip' || (options.compression === undefined && location.endsWith('.gz'))
    const sink = openForWriting(location, options.fs)
    this.#input = new PassThrough()
    this.#done = gzip ? pipeline(this.#input, createGzip(), sink) : pipeline(this.#input, sink)
    this.#done.catch(() => undefined)
  }

  async write(record: Uint8Array): Promise<void> {
    if (!this.#input.write(frameTFRecord(record))) await Promise.race([once(this.#input, 'drain'), this.#done])
  }

  async close(): Promise<void> {
    this.#input.end()
    await this.#done
  }

  /** Discards what was written. */
  async abort(): Promise<void> {
    this.#input.destroy(new Error('TFRecord writer aborted'))
    await this.#done.catch(() => undefined)
  }
}
