import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { S3FileSystem, S3FsError } from '../../lib/index.js'
import { type FaultPlan, type FaultProxy, startFaultProxy } from '../server/fault-proxy.js'
import { BUCKET, backendUnderTest, randomData, reference, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const MiB = 1024 * 1024
const PART = 5 * MiB
// Every call must settle well before this: the timeouts below bound each try, retries are few.
const SETTLE_MS = 45_000
const REQUEST_TIMEOUT_MS = 1500

/** One operation family: `setup` prepares its objects directly, `run` goes through the faulty path, `check` verifies what is on the server after success. */
interface Family {
  name: string
  setup(prefix: string): Promise<unknown>
  run(fs: S3FileSystem, prefix: string, prepared: unknown): Promise<unknown>
  /** After success: the data is intact. After failure: nothing partial is visible. */
  check(prefix: string, prepared: unknown, outcome: { ok: boolean; result: unknown }): Promise<void>
  /** The keys it writes (MinIO lists the multipart uploads of one exact key at a time). */
  targets?(prefix: string, prepared: unknown): string[]
}

const direct = testFs({ partSize: PART })

async function objectExists(key: string): Promise<boolean> {
  const client = reference()
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
    return true
  } catch {
    return false
  } finally {
    client.destroy()
  }
}

async function writeMany(prefix: string, count: number, size = 64): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) objects.set(`${prefix}/d/f${String(i).padStart(4, '0')}`, randomData(size))
  await Promise.all([...objects].map(([key, data]) => direct.writeFile(url(key), data)))
  return objects
}

function writeFamily(name: string, size: number, write: (fs: S3FileSystem, target: string, data: Buffer) => Promise<void>): Family {
  return {
    name,
    setup: async () => randomData(size),
    run: (fs, prefix, data) => write(fs, url(`${prefix}/out.bin`), data as Buffer),
    targets: (prefix) => [`${prefix}/out.bin`],
    async check(prefix, data, { ok }) {
      const key = `${prefix}/out.bin`
      if (ok) expect((await direct.readFile(url(key))).equals(data as Buffer)).toBe(true)
      else expect(await objectExists(key)).toBe(false)
    },
  }
}

function readFamily(name: string, size: number, read: (fs: S3FileSystem, source: string) => Promise<Buffer>, expected: (data: Buffer) => Buffer): Family {
  return {
    name,
    async setup(prefix) {
      const data = randomData(size)
      await direct.writeFile(url(`${prefix}/in.bin`), data)
      return data
    },
    run: (fs, prefix) => read(fs, url(`${prefix}/in.bin`)),
    async check(_prefix, data, { ok, result }) {
      if (ok) expect((result as Buffer).equals(expected(data as Buffer))).toBe(true)
    },
  }
}

const families: Family[] = [
  writeFamily('writeFile 1 MiB', MiB, (fs, target, data) => fs.writeFile(target, data)),
  writeFamily('writeFile 12 MiB', 12 * MiB, (fs, target, data) => fs.writeFile(target, data)),
  writeFamily('write stream 12 MiB', 12 * MiB, (fs, target, data) =>
    pipeline(Readable.from((function* () {
      for (let at = 0; at < data.length; at += MiB) yield data.subarray(at, at + MiB)
    })()), fs.createWriteStream(target)),
  ),
  readFamily('readFile 12 MiB', 12 * MiB, (fs, source) => fs.readFile(source), (data) => data),
  readFamily('ranged read 1 MiB', 6 * MiB, async (fs, source) => {
    const buffer = Buffer.alloc(MiB)
    const n = await fs.read(source, buffer, 0, MiB, 3 * MiB)
    return buffer.subarray(0, n)
  }, (data) => data.subarray(3 * MiB, 4 * MiB)),
  {
    name: 'stat',
    setup: async (prefix) => direct.writeFile(url(`${prefix}/in.bin`), randomData(1000)),
    run: (fs, prefix) => fs.stat(url(`${prefix}/in.bin`)),
    async check(_prefix, _prepared, { ok, result }) {
      if (ok) expect((result as { size: number }).size).toBe(1000)
    },
  },
  {
    name: 'readdir 200',
    setup: (prefix) => writeMany(prefix, 200),
    run: (fs, prefix) => fs.readdir(url(`${prefix}/d/`)),
    async check(_prefix, objects, { ok, result }) {
      if (ok) expect((result as string[]).length).toBe((objects as Map<string, Buffer>).size)
    },
  },
  {
    name: 'copyFile 6 MiB',
    async setup(prefix) {
      const data = randomData(6 * MiB)
      await direct.writeFile(url(`${prefix}/in.bin`), data)
      return data
    },
    run: (fs, prefix) => fs.copyFile(url(`${prefix}/in.bin`), url(`${prefix}/out.bin`)),
    targets: (prefix) => [`${prefix}/out.bin`],
    async check(prefix, data, { ok }) {
      if (ok) expect((await direct.readFile(url(`${prefix}/out.bin`))).equals(data as Buffer)).toBe(true)
      else expect(await objectExists(`${prefix}/out.bin`)).toBe(false)
    },
  },
  {
    name: 'rename dir of 50',
    setup: (prefix) => writeMany(prefix, 50),
    run: (fs, prefix) => fs.rename(url(`${prefix}/d/`), url(`${prefix}/moved/`)),
    targets: (prefix, objects) => [...(objects as Map<string, Buffer>).keys()].map((key) => key.replace(`${prefix}/d/`, `${prefix}/moved/`)),
    async check(prefix, objects, { ok }) {
      // Nothing lost: each object is at its new name (or, after a failure, at one of its names).
      for (const [key, data] of objects as Map<string, Buffer>) {
        const moved = key.replace(`${prefix}/d/`, `${prefix}/moved/`)
        if (ok) {
          expect((await direct.readFile(url(moved))).equals(data)).toBe(true)
          expect(await objectExists(key)).toBe(false)
        } else {
          const at = (await objectExists(moved)) ? moved : key
          expect((await direct.readFile(url(at))).equals(data)).toBe(true)
        }
      }
    },
  },
  {
    name: 'rm -r dir of 200',
    setup: (prefix) => writeMany(prefix, 200),
    run: (fs, prefix) => fs.rm(url(`${prefix}/d/`), { recursive: true }),
    async check(prefix, _objects, { ok }) {
      if (ok) expect(await direct.exists(url(`${prefix}/d/`))).toBe(false)
    },
  },
  {
    name: 'upload dir',
    setup: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-faults-up-'))
      for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `f${i}.bin`), randomData(i === 0 ? 6 * MiB : 4096))
      return dir
    },
    run: (fs, prefix, dir) => fs.upload(dir as string, url(`${prefix}/up/`)),
    targets: (prefix) => Array.from({ length: 20 }, (_, i) => `${prefix}/up/f${i}.bin`),
    async check(prefix, dir, { ok }) {
      if (ok) {
        for (const name of readdirSync(dir as string)) {
          expect((await direct.readFile(url(`${prefix}/up/${name}`))).equals(readFileSync(path.join(dir as string, name)))).toBe(true)
        }
      }
      rmSync(dir as string, { recursive: true, force: true })
    },
  },
  {
    name: 'download dir',
    async setup(prefix) {
      const objects = await writeMany(prefix, 19, 4096)
      const big = randomData(6 * MiB)
      await direct.writeFile(url(`${prefix}/d/big.bin`), big)
      objects.set(`${prefix}/d/big.bin`, big)
      return { objects, dir: mkdtempSync(path.join(os.tmpdir(), 's3fs-faults-down-')) }
    },
    run: (fs, prefix, prepared) => fs.download(url(`${prefix}/d/`), (prepared as { dir: string }).dir),
    async check(prefix, prepared, { ok }) {
      const { objects, dir } = prepared as { objects: Map<string, Buffer>; dir: string }
      if (ok) {
        for (const [key, data] of objects) expect(readFileSync(path.join(dir, key.slice(`${prefix}/d/`.length))).equals(data)).toBe(true)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  },
]

const plans: Record<string, FaultPlan> = {
  'reset in request': { kind: 'reset-request', every: 4 },
  'reset in response': { kind: 'reset-response', every: 4 },
  'body cut': { kind: 'cut-body', every: 4 },
  stall: { kind: 'stall', every: 4, stallMs: 4 * REQUEST_TIMEOUT_MS },
  latency: { kind: 'latency', every: 2, latencyMs: 150 },
  '503 SlowDown': { kind: 'slow-down', every: 3 },
  '500': { kind: 'internal-error', every: 3 },
  'reset at connect': { kind: 'refuse', every: 3 },
  // The answers whose loss leaves state on the server: a created upload nobody knows, a completed one.
  'create answer lost': { kind: 'reset-response', every: 2, matches: (method, target) => method === 'POST' && /[?&]uploads(=|&|$)/.test(target) },
  'complete answer lost': { kind: 'reset-response', every: 2, matches: (method, target) => method === 'POST' && /[?&]uploadId=/.test(target) },
}

type Cell = { outcome: string; faults: number }
const matrix = new Map<string, Map<string, Cell>>()
let proxy: FaultProxy

beforeAll(async () => {
  proxy = await startFaultProxy(server.port)
})

/** A filesystem per cell: its connections are opened under the fault, and no retry budget carries over. */
function faultyFs(): S3FileSystem {
  return new S3FileSystem({
    env: testEnv({ S3_ENDPOINT: proxy.endpoint }),
    partSize: PART,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    connectTimeoutMs: REQUEST_TIMEOUT_MS,
  })
}

afterAll(async () => {
  direct.close()
  await proxy.close()
  const faults = Object.keys(plans)
  const lines = [`fault matrix, ${backendUnderTest} backend (ok = succeeded with the data intact; a code = a clean S3FsError; n = requests faulted)`]
  lines.push(`| operation | ${faults.join(' | ')} |`, `|---|${faults.map(() => '---').join('|')}|`)
  for (const family of families) {
    const row = matrix.get(family.name)
    lines.push(`| ${family.name} | ${faults.map((fault) => (row?.get(fault) ? `${row.get(fault)!.outcome} (${row.get(fault)!.faults})` : '-')).join(' | ')} |`)
  }
  console.log(lines.join('\n'))
})

async function settled<T>(promise: Promise<T>): Promise<{ ok: true; result: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: not settled within ${SETTLE_MS} ms`)), SETTLE_MS)
  })
  try {
    return { ok: true, result: await Promise.race([promise, hang]) }
  } catch (error) {
    return { ok: false, error }
  } finally {
    clearTimeout(timer)
  }
}

async function multipartUploadsOf(keys: string[]): Promise<string[]> {
  const client = reference()
  try {
    const listed = await Promise.all(keys.map((key) => client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }))))
    return listed.flatMap((answer) => (answer.Uploads ?? []).map((upload) => `${upload.Key} ${upload.UploadId}`))
  } finally {
    client.destroy()
  }
}

describe.each(Object.entries(plans))('under %s', (faultName, plan) => {
  test.each(families.map((family) => [family.name, family] as const))('%s: settles, data intact, nothing left behind', async (_name, family) => {
    const prefix = uniquePrefix(`faults-${plan.kind}`)
    const prepared = await family.setup(prefix)
    proxy.setPlan(plan)
    const before = proxy.faults
    const fs = faultyFs()
    const outcome = await settled(family.run(fs, prefix, prepared))
    fs.close()
    proxy.setPlan(undefined)
    const row = matrix.get(family.name) ?? new Map<string, Cell>()
    matrix.set(family.name, row)
    const label = outcome.ok ? 'ok' : outcome.error instanceof S3FsError ? outcome.error.code : `${(outcome.error as Error).message}`.slice(0, 60)
    row.set(faultName, { outcome: label, faults: proxy.faults - before })

    // Every call settles, and a fault one request in N is retried away: the call succeeds.
    expect(outcome.ok ? 'ok' : String((outcome.error as Error).stack)).toBe('ok')
    await family.check(prefix, prepared, outcome.ok ? { ok: true, result: outcome.result } : { ok: false, result: undefined })
    expect(await multipartUploadsOf(family.targets?.(prefix, prepared) ?? [])).toEqual([])
  })
})
