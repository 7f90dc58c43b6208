import { S3FsError } from '../errors.js'
import type { S3FileSystem } from '../fs.js'
import { hasGlobMeta } from '../glob.js'
import { readTFRecords } from '../tfrecord/reader.js'
import { type ExampleTensors, type FeatureSpec, parseExample } from './parse-example.js'
import type { tfc, tfdata, Tf } from './tf-types.js'

export interface TFRecordDatasetOptions {
  /** Needed for s3:// files. */
  fs?: S3FileSystem
  /** Data-parallel workers: this worker reads files index, index + count, ... of the sorted list. */
  shard?: { index: number; count: number }
  /** Files read at once, records taken from each in turn (parallel interleave); default 4. */
  cycleLength?: number
  /** Records read ahead per open file; default 64. */
  prefetch?: number
  compression?: 'gzip' | 'none'
  /** Decode each record as a tf.train.Example into tensors; without it, records are Uint8Arrays. */
  features?: Record<string, FeatureSpec>
}

/** The files a dataset reads: a glob (s3:// only) or a list, sorted, then this worker's shard. */
export async function datasetFiles(urlsOrGlob: string | string[], options: TFRecordDatasetOptions): Promise<string[]> {
  let files: string[]
  if (typeof urlsOrGlob === 'string') {
    if (hasGlobMeta(urlsOrGlob)) {
      if (!urlsOrGlob.startsWith('s3://') || options.fs === undefined) {
        throw new S3FsError('EINVAL', 'a glob needs an s3:// pattern and { fs }', { op: 'tfrecordDataset', url: urlsOrGlob })
      }
      files = await options.fs.glob(urlsOrGlob)
    } else {
      files = [urlsOrGlob]
    }
  } else {
    files = [...urlsOrGlob]
  }
  files.sort()
  const shard = options.shard
  if (shard === undefined) return files
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new S3FsError('EINVAL', `invalid shard ${shard.index} of ${shard.count}`, { op: 'tfrecordDataset', url: String(urlsOrGlob) })
  }
  return files.filter((_, i) => i % shard.count === shard.index)
}

/** Reads a file ahead of its consumer, up to `depth` records. */
class Prefetcher {
  readonly #records: Buffer[] = []
  readonly #source: AsyncGenerator<Buffer>
  readonly #depth: number
  #done = false
  #error: unknown
  #wake: (() => void) | undefined
  #pumping = false

  constructor(source: AsyncGenerator<Buffer>, depth: number) {
    this.#source = source
    this.#depth = depth
  }

  // The flag is set before the pump starts and cleared in its finally: a pump that ends at once
  // (the buffer already full) must not leave it set, or no read would ever start again.
  #pump(): void {
    if (this.#pumping || this.#done || this.#records.length >= this.#depth) return
    this.#pumping = true
    void (async () => {
      try {
        while (this.#records.length < this.#depth) {
          const next = await this.#source.next()
          if (next.done) {
            this.#done = true
            break
          }
          this.#records.push(next.value)
          this.#wake?.()
        }
      } catch (error) {
        this.#error = error
        this.#done = true
      } finally {
        this.#pumping = false
        this.#wake?.()
      }
    })()
  }

  /** The next record, or undefined at the end of the file. */
  async next(): Promise<Buffer | undefined> {
    for (;;) {
      this.#pump()
      if (this.#records.length > 0) {
        const record = this.#records.shift()!
        this.#pump()
        return record
      }
      if (this.#error !== undefined) throw this.#error
      if (this.#done) return undefined
      await new Promise<void>((resolve) => (this.#wake = resolve))
      this.#wake = undefined
    }
  }

  async close(): Promise<void> {
    await this.#source.return(undefined)
  }
}

/** Records of many files, `cycleLength` files at a time, one record from each in turn. */
export async function* interleaveRecords(files: string[], options: TFRecordDatasetOptions): AsyncGenerator<Buffer> {
  const cycle = Math.max(1, options.cycleLength ?? 4)
  const depth = Math.max(1, options.prefetch ?? 64)
  const open = (file: string) =>
    new Prefetcher(readTFRecords(file, { ...(options.fs ? { fs: options.fs } : {}), ...(options.compression ? { compression: options.compression } : {}) }), depth)
  let nextFile = 0
  const active: Prefetcher[] = []
  while (active.length < cycle && nextFile < files.length) active.push(open(files[nextFile++]!))
  try {
    let turn = 0
    while (active.length > 0) {
      turn %= active.length
      const record = await active[turn]!.next()
      if (record === undefined) {
        if (nextFile < files.length) active[turn] = open(files[nextFile++]!)
        else active.splice(turn, 1)
        continue
      }
      yield record
      turn++
    }
  } finally {
    await Promise.all(active.map((reader) => reader.close()))
  }
}

/**
 * tf.data.TFRecordDataset for tfjs: a tf.data.Dataset of the records of TFRecord files (local or
 * s3://, a list or an s3:// glob), sharded for data-parallel workers, read in parallel with
 * prefetch; with `features`, each record decoded from a tf.train.Example into tensors.
 */
export async function tfrecordDataset<F extends Record<string, FeatureSpec>>(
  tf: Tf,
  urlsOrGlob: string | string[],
  options: TFRecordDatasetOptions & { features: F },
): Promise<tfdata.Dataset<ExampleTensors<F>>>
export async function tfrecordDataset(tf: Tf, urlsOrGlob: string | string[], options?: TFRecordDatasetOptions & { features?: undefined }): Promise<tfdata.Dataset<Uint8Array>>
export async function tfrecordDataset(tf: Tf, urlsOrGlob: string | string[], options: TFRecordDatasetOptions = {}): Promise<tfdata.Dataset<tfc.TensorContainer>> {
  const files = await datasetFiles(urlsOrGlob, options)
  const features = options.features
  // tf.data.generator is typed for tensor containers; raw records are Uint8Arrays, typed by the overload.
  if (features === undefined) {
    return tf.data.generator(() => interleaveRecords(files, options) as unknown as Iterator<tfc.TensorContainer>)
  }
  return tf.data.generator(
    () =>
      (async function* () {
        for await (const record of interleaveRecords(files, options)) yield parseExample(tf, record, features)
      })() as unknown as Iterator<tfc.TensorContainer>,
  )
}
