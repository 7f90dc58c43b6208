import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, expect, test } from 'vitest'

import { S3FileSystem, S3FsError } from '../../lib/index.js'
import { referenceClient, startMinio, type MinioServer } from '../../lib/cli/local-minio.js'
import { backendUnderTest, randomData, testEnv, uniquePrefix } from '../helpers.js'

// A server of its own: these tests kill it mid-transfer and start it again on the same data.
const BUCKET = 'restart'
const MiB = 1024 * 1024
const SIZE = 40 * MiB
const SETTLE_MS = 60_000
// Errors a call may end with when the server is gone for longer than its retries last.
const OUTAGE_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EIO']

let server: MinioServer
const results: string[] = []

beforeAll(async () => {
  server = await startMinio([BUCKET])
})

afterAll(async () => {
  console.log([`server killed mid-transfer and restarted 1 s later, ${backendUnderTest} backend:`, ...results].join('\n'))
  await server.stop()
})

function filesystem(): S3FileSystem {
  return new S3FileSystem({
    env: testEnv({}, server),
    partSize: 5 * MiB,
    requestTimeoutMs: 2000,
    connectTimeoutMs: 1000,
  })
}

const url = (key: string): string => `s3://${BUCKET}/${key}`

async function uploadsOf(key: string): Promise<string[]> {
  const client = referenceClient(server)
  try {
    const answer = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }))
    return (answer.Uploads ?? []).map((upload) => upload.UploadId ?? '')
  } finally {
    client.destroy()
  }
}

/** After a write through the outage: the object is whole (it succeeded) or absent, and no upload is left. */
async function expectWholeOrAbsent(succeeded: boolean, key: string, data: Buffer): Promise<void> {
  const check = filesystem()
  try {
    if (succeeded) expect((await check.readFile(url(key))).equals(data)).toBe(true)
    else expect(await check.exists(url(key))).toBe(false)
  } finally {
    check.close()
  }
  expect(await uploadsOf(key)).toEqual([])
}

/** Runs `operation`, kills the server once it is under way, starts it again a second later. */
async function throughRestart<T>(name: string, operation: (fs: S3FileSystem) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const fs = filesystem()
  const began = Date.now()
  const running = operation(fs).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
  await new Promise((resolve) => setTimeout(resolve, 150))
  await server.kill()
  await new Promise((resolve) => setTimeout(resolve, 1000))
  await server.restart()
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    running,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: not settled within ${SETTLE_MS} ms`)), SETTLE_MS))),
  ])
  clearTimeout(timer)
  fs.close()
  results.push(`| ${name} | ${outcome.ok ? 'ok' : outcome.error instanceof S3FsError ? outcome.error.code : String(outcome.error)} | ${((Date.now() - began) / 1000).toFixed(1)} s |`)
  if (!outcome.ok) {
    // A clean error: an S3FsError with an outage's code, naming the URL.
    expect(outcome.error).toBeInstanceOf(S3FsError)
    expect(OUTAGE_CODES).toContain((outcome.error as S3FsError).code)
  }
  return outcome
}

test('writeFile of 40 MiB: the object is whole or absent, and no upload is left', async () => {
  const key = `${uniquePrefix('restart-write')}/out.bin`
  const data = randomData(SIZE)
  const outcome = await throughRestart('writeFile 40 MiB', (fs) => fs.writeFile(url(key), data))
  await expectWholeOrAbsent(outcome.ok, key, data)
})

test('a write stream of 40 MiB: whole or absent, and no upload is left', async () => {
  const key = `${uniquePrefix('restart-stream')}/out.bin`
  const data = randomData(SIZE)
  const outcome = await throughRestart('write stream 40 MiB', async (fs) => {
    const handle = await fs.open(url(key), 'w')
    try {
      for (let at = 0; at < data.length; at += MiB) await handle.write(data.subarray(at, at + MiB))
      await handle.close()
    } catch (error) {
      await handle.abort()
      throw error
    }
  })
  await expectWholeOrAbsent(outcome.ok, key, data)
})

test('upload of a 40 MiB file: whole or absent, and no upload is left', async () => {
  const key = `${uniquePrefix('restart-upload')}/out.bin`
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-restart-'))
  const local = path.join(dir, 'in.bin')
  writeFileSync(local, randomData(SIZE))
  const outcome = await throughRestart('upload 40 MiB file', (fs) => fs.upload(local, url(key)))
  await expectWholeOrAbsent(outcome.ok, key, readFileSync(local))
  rmSync(dir, { recursive: true, force: true })
})

test('readFile of 40 MiB: the bytes are intact, or a clean error', async () => {
  const key = `${uniquePrefix('restart-read')}/in.bin`
  const data = randomData(SIZE)
  const setup = filesystem()
  await setup.writeFile(url(key), data)
  setup.close()
  const outcome = await throughRestart('readFile 40 MiB', (fs) => fs.readFile(url(key)))
  if (outcome.ok) expect(outcome.value.equals(data)).toBe(true)
})

test('download of 40 MiB: the local file is intact, or absent', async () => {
  const key = `${uniquePrefix('restart-download')}/in.bin`
  const data = randomData(SIZE)
  const setup = filesystem()
  await setup.writeFile(url(key), data)
  setup.close()
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-restart-'))
  const local = path.join(dir, 'out.bin')
  const outcome = await throughRestart('download 40 MiB', (fs) => fs.download(url(key), local))
  if (outcome.ok) expect(readFileSync(local).equals(data)).toBe(true)
  else expect(() => readFileSync(local)).toThrow()
  rmSync(dir, { recursive: true, force: true })
})
