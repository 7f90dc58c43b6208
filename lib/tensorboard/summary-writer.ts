import os from 'node:os'
import path from 'node:path'
import { mkdir, writeFile } from 'node:fs/promises'

import type { S3FileSystem } from '../fs.js'
import { frameTFRecord } from '../tfrecord/writer.js'
import { DT_STRING, EventProto } from '../tfrecord/protos.js'

export interface SummaryWriterOptions {
  /** Needed for s3:// log directories. */
  fs?: S3FileSystem
  /** Pending events are written at least this often; default 2 s (TensorFlow's writer: 10 s). */
  flushMillis?: number
  /** Or as soon as this many are pending; default 1000. */
  maxPending?: number
  /** Histogram buckets; default 30. */
  histogramBuckets?: number
}

interface PendingEvent {
  wallTime: number
  step?: string
  fileVersion?: string
  summary?: object
}

let sequence = 0

// Writers with events not yet written. When the event loop runs dry (a script that ends without
// close()), they are flushed: the pending writes keep the process alive until they are stored.
const unflushed = new Set<SummaryWriter>()
function flushBeforeExit(): void {
  for (const writer of unflushed) void writer.flush().catch(() => undefined)
}

/**
 * Writes TensorBoard event files (scalars, histograms, text) to a log directory, local or s3://.
 *
 * TensorFlow's writer appends to one event file and, on S3, re-uploads the whole file at every
 * flush: bandwidth grows with the square of the run's length. Objects cannot be appended to, so
 * each flush here writes a new, small event file holding only the events since the last one. File
 * names sort by time and sequence, and TensorBoard reads a directory's event files in that order,
 * so it sees one continuous run.
 *
 * Events are durable once flush() or close() resolves. Pending ones are also written every
 * `flushMillis` and when the process runs out of work (beforeExit), but not when it is killed or
 * calls process.exit().
 */
export class SummaryWriter {
  readonly #dir: string
  readonly #options: SummaryWriterOptions
  readonly #hostname = os.hostname()
  #pending: PendingEvent[] = []
  #timer: NodeJS.Timeout | undefined
  #writing: Promise<void> = Promise.resolve()
  #closed = false

  constructor(logDir: string, options: SummaryWriterOptions = {}) {
    this.#dir = logDir.replace(/\/+$/, '')
    this.#options = options
    if (logDir.startsWith('s3://') && options.fs === undefined) throw new TypeError('an s3:// log directory needs an S3FileSystem: pass { fs }')
  }

  scalar(tag: string, value: number, step: number): void {
    this.#add(step, { value: [{ tag, simpleValue: value }] })
  }

  histogram(tag: string, values: ArrayLike<number>, step: number): void {
    this.#add(step, { value: [{ tag, histo: histogramOf(values, this.#options.histogramBuckets ?? 30) }] })
  }

  text(tag: string, text: string, step: number): void {
    this.#add(step, {
      value: [
        {
          tag,
          metadata: { pluginData: { pluginName: 'text' } },
          tensor: { dtype: DT_STRING, tensorShape: {}, stringVal: [Buffer.from(text, 'utf8')] },
        },
      ],
    })
  }

  /** Writes what is pending as one new event file; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    unflushed.delete(this)
    if (unflushed.size === 0) process.off('beforeExit', flushBeforeExit)
    const events = this.#pending
    this.#pending = []
    if (events.length > 0) this.#writing = this.#writing.then(() => this.#writeFile(events))
    return this.#writing
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.flush()
  }

  #add(step: number, summary: object): void {
    if (this.#closed) throw new Error('the summary writer is closed')
    this.#pending.push({ wallTime: Date.now() / 1000, step: String(step), summary })
    if (this.#pending.length >= (this.#options.maxPending ?? 1000)) {
      void this.flush().catch(() => undefined)
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush().catch(() => undefined), this.#options.flushMillis ?? 2000)
      this.#timer.unref()
      if (unflushed.size === 0) process.on('beforeExit', flushBeforeExit)
      unflushed.add(this)
    }
  }

  async #writeFile(events: PendingEvent[]): Promise<void> {
    const now = Date.now()
    const first: PendingEvent = { wallTime: now / 1000, fileVersion: 'brain.Event:2' }
    const frames = [first, ...events].map((event) => frameTFRecord(EventProto.encode(EventProto.fromObject(event)).finish()))
    const seconds = String(Math.floor(now / 1000)).padStart(10, '0')
    const name = `events.out.tfevents.${seconds}.${this.#hostname}.${process.pid}.${String(sequence++).padStart(6, '0')}`
    const data = Buffer.concat(frames)
    if (this.#dir.startsWith('s3://')) {
      await this.#options.fs!.writeFile(`${this.#dir}/${name}`, data)
    } else {
      await mkdir(this.#dir, { recursive: true })
      await writeFile(path.join(this.#dir, name), data)
    }
  }
}

/**
 * Equal-width buckets from min to max, as a TensorFlow HistogramProto: bucket i counts the values
 * up to bucketLimit[i], and the limits never go down. All values equal (zero-initialised biases)
 * make every limit that value, with the count in the last bucket. NaN or infinite values are
 * refused, as TensorFlow's histogram summary refuses them.
 */
export function histogramOf(values: ArrayLike<number>, buckets: number) {
  let min = Infinity
  let max = -Infinity
  let sum = 0
  let sumSquares = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isFinite(v)) throw Object.assign(new RangeError(`a histogram takes finite values; value ${i} is ${v}`), { code: 'ERR_OUT_OF_RANGE' })
    min = Math.min(min, v)
    max = Math.max(max, v)
    sum += v
    sumSquares += v * v
  }
  if (values.length === 0) return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] }
  const counts = new Array<number>(buckets).fill(0)
  if (max === min) {
    counts[buckets - 1] = values.length
    return { min, max, num: values.length, sum, sumSquares, bucketLimit: counts.map(() => max), bucket: counts }
  }
  const width = (max - min) / buckets
  for (let i = 0; i < values.length; i++) counts[Math.min(buckets - 1, Math.floor((values[i]! - min) / width))]!++
  const bucketLimit = counts.map((_, i) => (i === buckets - 1 ? max : min + (i + 1) * width))
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket: counts }
}

export function summaryWriter(logDir: string, options?: SummaryWriterOptions): SummaryWriter {
  return new SummaryWriter(logDir, options)
}
