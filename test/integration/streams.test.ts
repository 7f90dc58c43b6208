import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterAll, expect, test } from 'vitest'

import { expectNoMultipartUploads, randomData, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const fs = testFs({ partSize: 5 * MiB })
afterAll(() => fs.close())

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

test('pipeline from a read stream to a write stream copies byte-exact', async () => {
  const dir = uniquePrefix('streams')
  const data = randomData(13 * MiB + 5)
  await fs.writeFile(url(`${dir}/src`), data)
  await pipeline(fs.createReadStream(url(`${dir}/src`)), fs.createWriteStream(url(`${dir}/dst`)))
  expect((await fs.readFile(url(`${dir}/dst`))).equals(data)).toBe(true)
})

test('start and end (inclusive) select a range', async () => {
  const key = `${uniquePrefix('streams')}/range`
  const data = randomData(100_000)
  await fs.writeFile(url(key), data)
  expect((await collect(fs.createReadStream(url(key), { start: 10, end: 99 }))).equals(data.subarray(10, 100))).toBe(true)
  expect((await collect(fs.createReadStream(url(key), { start: 99_990 }))).equals(data.subarray(99_990))).toBe(true)
  expect((await collect(fs.createReadStream(url(key), { start: 200_000 }))).length).toBe(0)
})

test('a read stream of a missing object errors with ENOENT', async () => {
  await expect(collect(fs.createReadStream(url(`${uniquePrefix('streams')}/none`)))).rejects.toMatchObject({ code: 'ENOENT' })
})

test('a write stream destroyed by its signal leaves nothing behind', async () => {
  const key = `${uniquePrefix('streams')}/aborted`
  const controller = new AbortController()
  const source = Readable.from(
    (async function* () {
      for (let i = 0; i < 4; i++) yield randomData(4 * MiB)
      controller.abort()
      yield randomData(MiB)
    })(),
  )
  await expect(pipeline(source, fs.createWriteStream(url(key), { signal: controller.signal }))).rejects.toMatchObject({ code: 'ABORT_ERR' })
  await expectNoMultipartUploads(key)
  expect(await fs.exists(url(key))).toBe(false)
})

test("a read stream whose signal aborts while it opens fails with the abort alone, not an AggregateError", async () => {
  const key = url(`${uniquePrefix('stream-abort-open')}/object`)
  await fs.writeFile(key, randomData(1000))
  for (const delayMs of [0, 1, 2, 5]) {
    const controller = new AbortController()
    const stream = fs.createReadStream(key, { signal: controller.signal })
    setTimeout(() => controller.abort(), delayMs)
    const error = await collect(stream).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    )
    // Fast enough to finish first is fine; failing is the abort's to say.
    if (error !== undefined) expect({ name: error.name, code: error.code }).toEqual({ name: 'AbortError', code: 'ABORT_ERR' })
  }
})
