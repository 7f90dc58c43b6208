import { Readable, Writable } from 'node:stream'

import type { ReadHandle } from './read-handle.js'
import type { WriteHandle } from './write-handle.js'

export interface ReadStreamOptions {
  /** First byte (inclusive); default 0. */
  start?: number
  /** Last byte (inclusive), as fs.createReadStream counts it; default the end of the object. */
  end?: number
  highWaterMark?: number
  signal?: AbortSignal
}

export interface WriteStreamOptions {
  highWaterMark?: number
  signal?: AbortSignal
}

/** A Readable over a read handle (and its read-ahead); destroying the stream closes the handle. */
export function readStream(open: () => Promise<ReadHandle>, options: ReadStreamOptions = {}): Readable {
  const highWaterMark = options.highWaterMark ?? 1024 * 1024
  let handle: ReadHandle | undefined
  let position = options.start ?? 0
  let remaining = Infinity
  return new Readable({
    highWaterMark,
    ...(options.signal ? { signal: options.signal } : {}),
    construct(callback) {
      open().then(
        (h) => {
          handle = h
          const last = Math.min(options.end ?? Infinity, h.stat().size - 1)
          remaining = Math.max(0, last - position + 1)
          callback()
        },
        // Destroyed while opening (its signal aborted): the stream's one error is the abort, not an
        // AggregateError of the abort and the open it cut short.
        (error: Error) => callback(this.destroyed ? null : error),
      )
    },
    read(size) {
      if (remaining === 0) {
        this.push(null)
        return
      }
      const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, highWaterMark), remaining))
      handle!.read(buffer, 0, buffer.length, position).then(
        ({ bytesRead: n }) => {
          position += n
          remaining -= n
          if (n === 0) remaining = 0
          this.push(n === 0 ? null : buffer.subarray(0, n))
        },
        (error: Error) => this.destroy(error),
      )
    },
    destroy(error, callback) {
      const closing = handle?.close() ?? Promise.resolve()
      closing.then(() => callback(error), () => callback(error))
    },
  })
}

/**
 * A Writable over a write handle: back-pressure follows the parts in flight, `finish` means the
 * object is complete and visible, and a destroyed or aborted stream aborts the upload.
 */
export function writeStream(handle: WriteHandle, options: WriteStreamOptions = {}): Writable {
  let finished = false
  return new Writable({
    highWaterMark: options.highWaterMark ?? 1024 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
    write(chunk: Buffer, _encoding, callback) {
      handle.write(chunk).then(() => callback(), callback)
    },
    final(callback) {
      handle.close().then(() => {
        finished = true
        callback()
      }, callback)
    },
    destroy(error, callback) {
      if (finished) return callback(error)
      handle.abort().then(() => callback(error), () => callback(error))
    },
  })
}
