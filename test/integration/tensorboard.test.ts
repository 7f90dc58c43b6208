import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, describe, expect, test } from 'vitest'

import { decodeEventFile, summaryWriter } from '../../lib/tensorboard/index.js'
import { testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
const local = mkdtempSync(path.join(os.tmpdir(), 's3fs-tb-'))
afterAll(() => {
  fs.close()
  rmSync(local, { recursive: true, force: true })
})

describe('TensorBoard event files', () => {
  test('scalars, histograms and text on s3://, a new small file per flush', async () => {
    const dir = url(uniquePrefix('logs'))
    const writer = summaryWriter(`${dir}/run1`, { fs })
    for (let step = 0; step < 3; step++) writer.scalar('loss', 1 / (step + 1), step)
    writer.histogram('weights', [0, 1, 1, 2, 3, 5, 8], 2)
    writer.text('note', 'hello tensorboard', 2)
    await writer.flush()
    for (let step = 3; step < 5; step++) writer.scalar('loss', 1 / (step + 1), step)
    await writer.close()

    const names = (await fs.readdir(`${dir}/run1`)).sort()
    expect(names).toHaveLength(2)
    expect(names.every((n) => n.startsWith('events.out.tfevents.'))).toBe(true)
    const files = await Promise.all(names.map((n) => fs.readFile(`${dir}/run1/${n}`)))
    // The second flush wrote only its own two events, not the first file's again.
    expect(files[1]!.length).toBeLessThan(files[0]!.length)
    const events = (await Promise.all(files.map((f, i) => decodeEventFile(f, names[i])))).flat()
    expect(events.filter((e) => e.fileVersion === 'brain.Event:2')).toHaveLength(2)
    const scalars = events.flatMap((e) => e.values.filter((v) => v.tag === 'loss').map((v) => [e.step, v.simpleValue]))
    expect(scalars).toEqual([0, 1, 2, 3, 4].map((s) => [s, Math.fround(1 / (s + 1))]))
    const histo = events.flatMap((e) => e.values).find((v) => v.tag === 'weights')!.histo!
    expect(histo).toMatchObject({ min: 0, max: 8, num: 7, sum: 20 })
    expect(histo.bucket.reduce((a, b) => a + b, 0)).toBe(7)
    expect(events.flatMap((e) => e.values).find((v) => v.tag === 'note')).toMatchObject({ text: 'hello tensorboard', pluginName: 'text' })
  })

  test('to a local directory too', async () => {
    const writer = summaryWriter(path.join(local, 'run'))
    writer.scalar('acc', 0.5, 1)
    await writer.close()
    const [name] = readdirSync(path.join(local, 'run'))
    const events = await decodeEventFile(readFileSync(path.join(local, 'run', name!)))
    expect(events[1]!.values[0]).toMatchObject({ tag: 'acc', simpleValue: 0.5 })
  })
})

test('a script that ends without close() still gets its events written (flushed before exit)', async () => {
  const logDir = url(`${uniquePrefix('tb-exit')}/run`)
  const script = fileURLToPath(new URL('../fixtures/tensorboard-no-close.mjs', import.meta.url))
  execFileSync(process.execPath, [script, logDir], { env: { PATH: process.env.PATH ?? '', ...testEnv() }, stdio: 'pipe' })
  const names = await fs.readdir(logDir)
  expect(names).toHaveLength(1)
  const events = await decodeEventFile(await fs.readFile(`${logDir}/${names[0]}`))
  expect(events.flatMap((e) => e.values.map((v) => [e.step, v.simpleValue]))).toEqual([0, 1, 2, 3, 4].map((s) => [s, Math.fround(1 / (s + 1))]))
})
