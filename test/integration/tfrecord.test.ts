import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { datasetFiles, tfrecordDataset } from '../../lib/tfjs/index.js'
import { decodeExample, encodeExample, readTFRecords, TFRecordWriter } from '../../lib/tfrecord/index.js'
import { expectNoMultipartUploads, testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
beforeAll(() => tf.setBackend('cpu'))
afterAll(() => fs.close())

async function all(iterable: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const r of iterable) out.push(r)
  return out
}

describe('TFRecord files on s3://', () => {
  test('write then read back, plain and GZIP', async () => {
    const prefix = uniquePrefix('tfr')
    const records = Array.from({ length: 500 }, (_, i) => Buffer.from(`record ${i} `.repeat(i % 50)))
    for (const name of ['plain.tfrecord', 'packed.tfrecord.gz']) {
      const writer = new TFRecordWriter(url(`${prefix}/${name}`), { fs })
      for (const r of records) await writer.write(r)
      await writer.close()
      expect(await all(readTFRecords(url(`${prefix}/${name}`), { fs }))).toEqual(records)
    }
    const plain = await fs.stat(url(`${prefix}/plain.tfrecord`))
    const packed = await fs.stat(url(`${prefix}/packed.tfrecord.gz`))
    expect(packed.size).toBeLessThan(plain.size / 5)
  })

  test('a corrupt byte in an object is an error naming the URL and offset', async () => {
    const key = `${uniquePrefix('tfr')}/corrupt.tfrecord`
    const writer = new TFRecordWriter(url(key), { fs })
    for (let i = 0; i < 10; i++) await writer.write(Buffer.alloc(100, i))
    await writer.close()
    const bytes = await fs.readFile(url(key))
    bytes[5 * 116 + 12 + 50]! ^= 0xff
    await fs.writeFile(url(key), bytes)
    const error = await all(readTFRecords(url(key), { fs })).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'EBADMSG', url: url(key) })
    expect((error as Error).message).toContain(`offset ${5 * 116}`)
  })

  test('an aborted writer leaves no object and no multipart upload', async () => {
    const key = `${uniquePrefix('tfr')}/aborted.tfrecord`
    const writer = new TFRecordWriter(url(key), { fs })
    for (let i = 0; i < 40; i++) await writer.write(Buffer.alloc(512 * 1024, i))
    await writer.abort()
    await expectNoMultipartUploads(key)
    expect(await fs.exists(url(key))).toBe(false)
  })
})

describe('tfrecordDataset', () => {
  const prefix = uniquePrefix('dataset')
  const files = 6
  const perFile = 7
  beforeAll(async () => {
    for (let f = 0; f < files; f++) {
      const writer = new TFRecordWriter(url(`${prefix}/part-${f}.tfrecord`), { fs })
      for (let i = 0; i < perFile; i++) {
        await writer.write(encodeExample({ id: { int64List: [f * 100 + i] }, x: { floatList: [f, i] }, tag: { bytesList: [`f${f}`] } }))
      }
      await writer.close()
    }
    await fs.writeFile(url(`${prefix}/README.txt`), 'not a shard')
  })

  const ids = async (ds: tf.data.Dataset<{ id: tf.Tensor }>) => (await ds.toArray()).map((e) => e.id.dataSync()[0]!)

  test('reads every record of a glob, decoding Examples into tensors', async () => {
    const ds = await tfrecordDataset(tf, url(`${prefix}/part-*.tfrecord`), {
      fs,
      cycleLength: 3,
      features: { id: { type: 'int64', shape: [] }, x: { type: 'float', shape: [2] }, tag: { type: 'bytes', varLen: true } },
    })
    // Typed by the feature spec: no cast.
    const elements: Array<{ id: tf.Tensor; x: tf.Tensor; tag: tf.Tensor }> = await ds.toArray()
    expect(elements).toHaveLength(files * perFile)
    expect(elements.map((e) => e.id.dataSync()[0]).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: files }, (_, f) => Array.from({ length: perFile }, (_, i) => f * 100 + i)).flat(),
    )
    const first = elements.find((e) => e.id.dataSync()[0] === 203)!
    expect(Array.from(first.x.dataSync())).toEqual([2, 3])
    expect(first.x.shape).toEqual([2])
    expect(first.tag.dtype).toBe('string')
  })

  test('a consumer slower than the reader gets every record (the read-ahead buffer fills and drains)', async () => {
    const key = `${uniquePrefix('slow-consumer')}/records.tfrecord`
    const writer = new TFRecordWriter(url(key), { fs })
    for (let i = 0; i < 200; i++) await writer.write(encodeExample({ id: { int64List: [i] } }))
    await writer.close()
    const ds = await tfrecordDataset(tf, url(key), { fs, prefetch: 8, features: { id: { type: 'int64', shape: [] } } })
    const seen: number[] = []
    await ds.forEachAsync(async (element) => {
      seen.push(element.id.dataSync()[0]!)
      await new Promise((resolve) => setTimeout(resolve, 1))
    })
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i))
  })

  test('parallel interleave takes records from the open files in turn', async () => {
    const ds = await tfrecordDataset(tf, url(`${prefix}/part-*.tfrecord`), { fs, cycleLength: 2, features: { id: { type: 'int64', shape: [] } } })
    expect((await ids(ds)).slice(0, 6)).toEqual([0, 100, 1, 101, 2, 102])
  })

  test('shards split the files deterministically and completely', async () => {
    const count = 4
    const shards = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const ds = await tfrecordDataset(tf, url(`${prefix}/part-*.tfrecord`), { fs, shard: { index, count }, features: { id: { type: 'int64', shape: [] } } })
        return ids(ds)
      }),
    )
    const union = shards.flat().sort((a, b) => a - b)
    expect(union).toEqual(Array.from({ length: files }, (_, f) => Array.from({ length: perFile }, (_, i) => f * 100 + i)).flat())
    expect(new Set(union).size).toBe(union.length)
    expect(await datasetFiles(url(`${prefix}/part-*.tfrecord`), { fs, shard: { index: 1, count } })).toEqual([
      url(`${prefix}/part-1.tfrecord`),
      url(`${prefix}/part-5.tfrecord`),
    ])
    await expect(datasetFiles(url(`${prefix}/part-*.tfrecord`), { fs, shard: { index: 4, count } })).rejects.toMatchObject({ code: 'EINVAL' })
  })

  test('records come raw without a feature spec', async () => {
    const ds = await tfrecordDataset(tf, [url(`${prefix}/part-0.tfrecord`)], { fs })
    const records: Uint8Array[] = await ds.toArray()
    expect(records).toHaveLength(perFile)
    expect(decodeExample(records[0]!).id).toEqual({ kind: 'int64', values: [0n] })
  })
})
