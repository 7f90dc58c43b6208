import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { decodeEventFile } from '../../lib/tensorboard/index.js'
import { registerS3Handlers } from '../../lib/tfjs/index.js'
import { decodeExample, frameTFRecord, readTFRecords } from '../../lib/tfrecord/index.js'
import { testFs, uniquePrefix, url } from '../helpers.js'

// Files written by real TensorFlow (scripts/tf-fixtures.py), checked value by value.
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tf')
const fs = testFs()
const prefix = uniquePrefix('tf-fixtures')

beforeAll(async () => {
  await tf.setBackend('cpu')
  registerS3Handlers(tf, { fs })
  await fs.upload(fixtures, url(prefix))
})
afterAll(() => fs.close())

async function all(iterable: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const r of iterable) out.push(r)
  return out
}

function checkExamples(records: Buffer[]): void {
  expect(records).toHaveLength(5)
  records.forEach((record, i) => {
    const f = decodeExample(record)
    expect(f.id).toEqual({ kind: 'int64', values: [BigInt(i)] })
    expect(f.label).toEqual({ kind: 'int64', values: [BigInt(i % 2)] })
    expect(f.values).toEqual({ kind: 'float', values: Float32Array.from([i * 0.5, i * 1.5, -i]) })
    expect(f.tokens).toEqual({ kind: 'int64', values: Array.from({ length: i }, (_, k) => BigInt(k)) })
    expect(f.big).toEqual({ kind: 'int64', values: [2n ** 40n + BigInt(i)] })
    expect(Buffer.from((f.name as { values: Uint8Array[] }).values[0]!).toString()).toBe(`example-${i}`)
  })
}

describe('TensorFlow-written fixtures', () => {
  test('a TFRecord file of tf.train.Examples, local and from s3://', async () => {
    checkExamples(await all(readTFRecords(path.join(fixtures, 'examples.tfrecord'))))
    checkExamples(await all(readTFRecords(url(`${prefix}/examples.tfrecord`), { fs })))
  })

  test('our framing of the same records is byte-identical to TensorFlow\'s file', async () => {
    const records = await all(readTFRecords(path.join(fixtures, 'examples.tfrecord')))
    expect(Buffer.concat(records.map(frameTFRecord)).equals(readFileSync(path.join(fixtures, 'examples.tfrecord')))).toBe(true)
  })

  test('a GZIP TFRecord file', async () => {
    checkExamples(await all(readTFRecords(url(`${prefix}/examples.tfrecord.gz`), { fs })))
  })

  test('an event file with scalars, histograms and text, legacy and TF2 forms', async () => {
    const dir = path.join(fixtures, 'events')
    const events = (await Promise.all(readdirSync(dir).map((n) => decodeEventFile(readFileSync(path.join(dir, n)), n)))).flat()
    expect(events[0]!.fileVersion).toBe('brain.Event:2')
    const values = (tag: string) => events.flatMap((e) => e.values.filter((v) => v.tag === tag).map((v) => ({ step: e.step, ...v })))
    expect(values('legacy/loss').map((v) => [v.step, v.simpleValue])).toEqual([0, 1, 2, 3, 4].map((s) => [s, Math.fround(1 / (s + 1))]))
    expect(values('loss').map((v) => [v.step, v.simpleValue])).toEqual([0, 1, 2, 3, 4].map((s) => [s, Math.fround(1 / (s + 1))]))
    const histo = values('legacy/weights')[3]!.histo!
    expect(histo).toMatchObject({ min: 0, max: 4, num: 4, bucket: [1, 1, 2], bucketLimit: [0.5, 1, 4] })
    expect(values('weights').map((v) => v.pluginName)).toEqual(Array(5).fill('histograms'))
    // TF2's histogram tensor of (left, right, count) rows: arange(step + 1) at each step.
    for (const [step, weights] of values('weights').entries()) {
      const buckets = weights.histogram!
      expect(buckets.length).toBeGreaterThan(0)
      expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(step + 1)
      expect(buckets[0]!.left).toBe(0)
      expect(buckets.at(-1)!.right).toBe(step)
      for (const [i, bucket] of buckets.entries()) expect(bucket.right).toBeGreaterThanOrEqual(i === 0 ? bucket.left : buckets[i - 1]!.right)
    }
    expect(values('note').map((v) => v.text)).toEqual([0, 1, 2, 3, 4].map((s) => `step ${s}`))
  })

  const converted = path.join(fixtures, 'layers-model')
  test.runIf(existsSync(converted))('a Keras model converted by tensorflowjs loads from s3:// and predicts as Keras did', async () => {
    const expected = JSON.parse(readFileSync(path.join(converted, 'expected.json'), 'utf8')) as { input: number[][]; output: number[][] }
    const model = await tf.loadLayersModel(url(`${prefix}/layers-model/model.json`))
    const output = Array.from((model.predict(tf.tensor2d(expected.input)) as tf.Tensor).dataSync())
    expected.output[0]!.forEach((v, i) => expect(output[i]).toBeCloseTo(v, 5))
  })
})
