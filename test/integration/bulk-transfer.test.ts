import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, expect, test } from 'vitest'

import type { TransferProgress } from '../../lib/index.js'
import { randomData, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const fs = testFs({ partSize: 5 * MiB })
const local = mkdtempSync(path.join(os.tmpdir(), 's3fs-bulk-'))
afterAll(() => {
  fs.close()
  rmSync(local, { recursive: true, force: true })
})

test('a directory tree uploads and downloads in parallel; a second run skips what matches', async () => {
  const source = path.join(local, 'source')
  const files: Record<string, Buffer> = {
    'saved_model.pb': randomData(1000),
    'variables/variables.index': randomData(200),
    'variables/variables.data-00000-of-00001': randomData(11 * MiB),
    'assets/vocab.txt': Buffer.from('a\nb\n'),
  }
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(source, name)), { recursive: true })
    writeFileSync(path.join(source, name), data)
  }
  const prefix = url(uniquePrefix('bulk'))
  const progress: TransferProgress[] = []
  const up = await fs.upload(source, prefix, { onProgress: (p) => void progress.push(p) })
  expect(up).toEqual({ files: 4, skipped: 0, bytes: Object.values(files).reduce((n, d) => n + d.length, 0) })
  // One report as each file finishes (and others as bytes move).
  expect(progress.filter((p, i) => p.filesDone !== (progress[i - 1]?.filesDone ?? 0))).toHaveLength(4)
  expect(progress.at(-1)).toMatchObject({ filesDone: 4, filesTotal: 4 })
  expect((await fs.readdir(`${prefix}/variables`)).sort()).toEqual(['variables.data-00000-of-00001', 'variables.index'])

  expect(await fs.upload(source, prefix)).toMatchObject({ files: 4, skipped: 4, bytes: 0 })

  const target = path.join(local, 'target')
  expect(await fs.download(`${prefix}/`, target)).toMatchObject({ files: 4, skipped: 0 })
  for (const [name, data] of Object.entries(files)) expect(readFileSync(path.join(target, name)).equals(data)).toBe(true)
  expect(await fs.download(prefix, target)).toMatchObject({ files: 4, skipped: 4, bytes: 0 })

  writeFileSync(path.join(target, 'assets/vocab.txt'), 'changed')
  expect(await fs.download(prefix, target)).toMatchObject({ files: 4, skipped: 3 })
  expect(readFileSync(path.join(target, 'assets/vocab.txt')).toString()).toBe('a\nb\n')
})
