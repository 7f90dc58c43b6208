import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, expect, test } from 'vitest'

import { randomData, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const fs = testFs({ partSize: 5 * MiB })
const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-transfer-'))
afterAll(() => {
  fs.close()
  rmSync(dir, { recursive: true, force: true })
})

test('upload a local file and download it back, byte-exact, for several sizes', async () => {
  const prefix = uniquePrefix('transfer')
  for (const size of [0, 1, 5 * MiB - 1, 17 * MiB + 3]) {
    const data = randomData(size)
    const source = path.join(dir, `source-${size}`)
    writeFileSync(source, data)
    await fs.upload(source, url(`${prefix}/${size}`))
    expect((await fs.readFile(url(`${prefix}/${size}`))).equals(data)).toBe(true)
    const target = path.join(dir, `target-${size}`)
    await fs.download(url(`${prefix}/${size}`), target)
    expect(readFileSync(target).equals(data)).toBe(true)
  }
})

test('a failed download leaves no file behind; a missing local file is ENOENT naming it', async () => {
  const target = path.join(dir, 'missing-target')
  await expect(fs.download(url(`${uniquePrefix('transfer')}/none`), target)).rejects.toMatchObject({ code: 'ENOENT' })
  expect(readdirSync(dir).filter((name) => name.startsWith('missing-target'))).toEqual([])
  const error = await fs.upload(path.join(dir, 'no-such-file'), url('x')).catch((e: unknown) => e)
  expect(error).toMatchObject({ code: 'ENOENT' })
  expect((error as Error).message).toContain('no-such-file')
})

test('downloading a file onto an existing local directory is EISDIR, once in the message, and leaves nothing behind', async () => {
  const key = url(`${uniquePrefix('transfer')}/file.bin`)
  await fs.writeFile(key, randomData(1000))
  const target = mkdtempSync(path.join(dir, 'existing-dir-'))
  const error = await fs.download(key, target).catch((e: unknown) => e)
  expect(error).toMatchObject({ code: 'EISDIR' })
  expect((error as Error).message.match(/EISDIR/g)).toHaveLength(1)
  expect(readdirSync(target)).toEqual([])
  expect(readdirSync(dir).filter((name) => name.includes('.s3fs-') || name.endsWith('.partial'))).toEqual([])
})
