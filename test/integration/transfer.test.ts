import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, expect, test } from 'vitest'

import { S3FileSystem, S3FsError, type TransferProgress } from '../../lib/index.js'
import { startFaultProxy } from '../server/fault-proxy.js'
import { randomData, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

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

test('downloads of objects without a checksum to verify open no file they do not read', async () => {
  const unchecked = testFs({ partSize: 5 * MiB, checksum: 'off' })
  const into = mkdtempSync(path.join(dir, 'unchecked-'))
  const openUnder = (folder: string): string[] =>
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`)
        return target.startsWith(folder) ? [target] : []
      } catch {
        return []
      }
    })
  try {
    const source = url(`${uniquePrefix('transfer-unchecked')}/data`)
    await unchecked.writeFile(source, randomData(1000))
    for (let i = 0; i < 20; i++) await unchecked.download(source, path.join(into, `copy-${i}`))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(openUnder(into)).toEqual([])
    expect(readdirSync(into).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `copy-${i}`).sort())
  } finally {
    unchecked.close()
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

test('local paths and options as a careless caller passes them: argument errors as node:fs raises them, or S3FsErrors naming the file', async () => {
  const key = url(`${uniquePrefix('transfer')}/file.bin`)
  await fs.writeFile(key, randomData(1000))
  // Under a file, not a directory: no local directory can be made there.
  const aFile = path.join(dir, 'a-file')
  writeFileSync(aFile, 'x')
  const error = await fs.download(key, path.join(aFile, 'target')).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(S3FsError)
  // What node:fs says of making a directory where a file is.
  expect(error).toMatchObject({ code: 'EEXIST' })
  expect((error as Error).message).toContain(aFile)
  for (const call of [() => fs.download(key, `${dir}/a\0b`), () => fs.upload(`${dir}/a\0b`, key)]) {
    await expect(call()).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
  }
  await expect(fs.download(key, path.join(dir, 'p'), { onProgress: 'yes' as never })).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  await expect(fs.read(key, null as never, 0, 1, 0)).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  // An empty local path is none, as for node:fs: a directory's download does not land in the working directory.
  const before = readdirSync(process.cwd())
  for (const source of [key, url(`${uniquePrefix('transfer')}/`), key.slice(0, key.lastIndexOf('/') + 1)]) {
    await expect(fs.download(source, '')).rejects.toMatchObject({ code: 'ENOENT' })
  }
  await expect(fs.upload('', key)).rejects.toMatchObject({ code: 'ENOENT' })
  expect(readdirSync(process.cwd())).toEqual(before)
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

test('a single-file upload and download report bytes as they move, and skip a target that already holds the file', async () => {
  const key = `${uniquePrefix('transfer')}/progress.bin`
  const data = randomData(64 * MiB)
  const source = path.join(dir, 'progress-source')
  writeFileSync(source, data)
  // Each request answered 100 ms late: the transfer lasts long enough for byte updates to show.
  const proxy = await startFaultProxy(server.port)
  proxy.setPlan({ kind: 'latency', every: 1, latencyMs: 100 })
  // Two connections: the native engine reads an upload's parts ahead of the network only by the parts in flight.
  const slow = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: 5 * MiB, maxConnections: 2 })
  try {
    for (const direction of ['upload', 'download'] as const) {
      const seen: TransferProgress[] = []
      const target = path.join(dir, 'progress-target')
      const onProgress = (p: TransferProgress): number => seen.push(p)
      const summary = direction === 'upload' ? await slow.upload(source, url(key), { onProgress }) : await slow.download(url(key), target, { onProgress })
      expect(summary).toEqual({ files: 1, skipped: 0, bytes: data.length })
      const during = seen.filter((p) => p.filesDone === 0)
      // Updates while the bytes move, rising, then one when the file is done.
      expect(during.length).toBeGreaterThan(1)
      expect(during.some((p) => p.bytesDone > 0 && p.bytesDone < data.length)).toBe(true)
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone)
      expect(seen.at(-1)).toEqual({ file: direction === 'upload' ? source : target, skipped: false, filesDone: 1, filesTotal: 1, bytesDone: data.length, bytesTotal: data.length })
      if (direction === 'download') expect(readFileSync(target).equals(data)).toBe(true)

      const again = direction === 'upload' ? await slow.upload(source, url(key)) : await slow.download(url(key), target)
      expect(again).toEqual({ files: 1, skipped: 1, bytes: 0 })
    }
  } finally {
    slow.close()
    await proxy.close()
  }
})
