import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, expect, test } from 'vitest'

import { S3FileSystem, type TransferProgress } from '../../lib/index.js'
import { startFaultProxy } from '../server/fault-proxy.js'
import { randomData, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

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

test('a directory transfer that fails stops: no file starts after the failure, and nothing goes on once the call has rejected', async () => {
  const prefix = uniquePrefix('bulk-fails')
  await Promise.all(Array.from({ length: 30 }, (_, i) => fs.writeFile(url(`${prefix}/k${String(i).padStart(2, '0')}`), randomData(1000))))
  const proxy = await startFaultProxy(server.port)
  const viaProxy = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }) })
  const target = path.join(local, 'fails')
  let requests = 0
  // Every request is counted; the GET of k03 is denied, as a bucket policy denies one key.
  proxy.setPlan({ kind: 'access-denied', every: 1, matches: (method, requestUrl) => (requests++, method === 'GET' && requestUrl.includes(`${prefix}/k03`)) })
  try {
    await expect(viaProxy.download(url(`${prefix}/`), target, { concurrency: 2 })).rejects.toMatchObject({ code: 'EACCES' })
    const atRejection = requests
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(requests).toBe(atRejection)
    // Files k00-k05 at most were begun two at a time; the other 24 never started.
    expect(readdirSync(target).filter((name) => !name.includes('.s3fs-')).length).toBeLessThanOrEqual(5)
    expect(readdirSync(target).filter((name) => name.includes('.s3fs-'))).toEqual([])
  } finally {
    viaProxy.close()
    await proxy.close()
  }
})
