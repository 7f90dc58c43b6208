import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'

import { afterAll, expect, test } from 'vitest'

import type { WriteFileOptions } from '../../lib/index.js'
import { randomData, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const fs = testFs({ partSize: 5 * MiB, multipartCopyThreshold: MiB, copyPartSize: 5 * MiB })
const local = mkdtempSync(path.join(os.tmpdir(), 's3fs-attributes-'))
afterAll(() => {
  fs.close()
  rmSync(local, { recursive: true, force: true })
})

const attributesOf = async (target: string) => {
  const { contentType, cacheControl, metadata } = await fs.stat(target)
  return { contentType, cacheControl, metadata }
}

test('the content type is guessed from the extension: model.json is application/json', async () => {
  const dir = uniquePrefix('attributes')
  await fs.writeFile(url(`${dir}/model.json`), '{}')
  await fs.writeFile(url(`${dir}/notes.txt`), 'hi')
  await fs.writeFile(url(`${dir}/group1-shard1of1.bin`), randomData(10))
  await fs.writeFile(url(`${dir}/no-extension`), 'x')
  expect((await fs.stat(url(`${dir}/model.json`))).contentType).toBe('application/json')
  expect((await fs.stat(url(`${dir}/notes.txt`))).contentType).toBe('text/plain; charset=utf-8')
  expect((await fs.stat(url(`${dir}/group1-shard1of1.bin`))).contentType).toBe('application/octet-stream')
  expect((await fs.stat(url(`${dir}/no-extension`))).contentType).toBe('application/octet-stream')
  expect((await fs.stat(url(`${dir}/model.json`))).metadata).toEqual({})
})

test('writeFile, a write stream and a handle set contentType, cacheControl and metadata, single PUT or multipart', async () => {
  const dir = uniquePrefix('attributes')
  const attributes = { contentType: 'application/x-tfrecord', cacheControl: 'max-age=60', metadata: { run: 'r7', 'epoch-count': '12' } }
  for (const size of [100, 6 * MiB]) {
    await fs.writeFile(url(`${dir}/w-${size}`), randomData(size), attributes)
    expect(await attributesOf(url(`${dir}/w-${size}`))).toEqual(attributes)
  }
  await pipeline(Readable.from([randomData(6 * MiB)]), fs.createWriteStream(url(`${dir}/stream`), attributes))
  expect(await attributesOf(url(`${dir}/stream`))).toEqual(attributes)
  const handle = await fs.open(url(`${dir}/handle.json`), 'w', { metadata: { by: 'handle' } })
  await handle.write('{"a":1}')
  await handle.close()
  expect(await attributesOf(url(`${dir}/handle.json`))).toEqual({ contentType: 'application/json', cacheControl: undefined, metadata: { by: 'handle' } })
})

test('upload sets them on a file and on every file of a tree (the type guessed per file unless given)', async () => {
  const dir = uniquePrefix('attributes')
  writeFileSync(path.join(local, 'one.csv'), 'a,b\n')
  await fs.upload(path.join(local, 'one.csv'), url(`${dir}/one.csv`), { cacheControl: 'no-cache' })
  expect(await attributesOf(url(`${dir}/one.csv`))).toEqual({ contentType: 'text/csv; charset=utf-8', cacheControl: 'no-cache', metadata: {} })
  const big = path.join(local, 'big.bin')
  writeFileSync(big, randomData(6 * MiB))
  await fs.upload(big, url(`${dir}/big.bin`), { metadata: { source: 'upload' } })
  expect(await attributesOf(url(`${dir}/big.bin`))).toEqual({ contentType: 'application/octet-stream', cacheControl: undefined, metadata: { source: 'upload' } })

  const treeDir = mkdtempSync(path.join(local, 'tree-'))
  writeFileSync(path.join(treeDir, 'model.json'), '{}')
  writeFileSync(path.join(treeDir, 'weights.bin'), randomData(100))
  await fs.upload(treeDir, url(`${dir}/tree/`), { metadata: { run: '3' } })
  expect(await attributesOf(url(`${dir}/tree/model.json`))).toEqual({ contentType: 'application/json', cacheControl: undefined, metadata: { run: '3' } })
  expect(await attributesOf(url(`${dir}/tree/weights.bin`))).toEqual({ contentType: 'application/octet-stream', cacheControl: undefined, metadata: { run: '3' } })
})

test('copies (single and multipart) and appends keep the attributes', async () => {
  const dir = uniquePrefix('attributes')
  const attributes = { contentType: 'text/csv', cacheControl: 'max-age=5', metadata: { owner: 'copy-test' } }
  await fs.writeFile(url(`${dir}/small.csv`), 'a\n', attributes)
  await fs.writeFile(url(`${dir}/big.csv`), randomData(6 * MiB), attributes)
  await fs.copyFile(url(`${dir}/small.csv`), url(`${dir}/small-copy`))
  await fs.copyFile(url(`${dir}/big.csv`), url(`${dir}/big-copy`))
  expect(await attributesOf(url(`${dir}/small-copy`))).toEqual(attributes)
  expect(await attributesOf(url(`${dir}/big-copy`))).toEqual(attributes)
  await fs.appendFile(url(`${dir}/small.csv`), 'b\n')
  await fs.appendFile(url(`${dir}/big.csv`), randomData(10))
  expect(await attributesOf(url(`${dir}/small.csv`))).toEqual(attributes)
  expect(await attributesOf(url(`${dir}/big.csv`))).toEqual(attributes)
})

test('attributes that cannot go into a header are EINVAL before any request', async () => {
  const target = url(`${uniquePrefix('attributes')}/bad`)
  const bad: WriteFileOptions[] = [
    { contentType: 'text/plain\r\nX-Evil: 1' },
    { metadata: { 'bad name': 'x' } },
    { metadata: { ok: 'caf\u00e9' } },
    { metadata: { ok: 1 as unknown as string } },
    { cacheControl: 5 as unknown as string },
  ]
  for (const options of bad) {
    await expect(fs.writeFile(target, 'x', options)).rejects.toMatchObject({ code: 'EINVAL' })
  }
  expect(await fs.exists(target)).toBe(false)
})
