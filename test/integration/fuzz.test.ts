import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, expect, test } from 'vitest'

import { type ReadHandle, S3FsError, WriteHandle } from '../../lib/index.js'
import { backendUnderTest, BUCKET, detachedView, testFs } from '../helpers.js'

// Replay a failure with S3FS_FUZZ_SEED=<the seed printed> and S3FS_FUZZ_CASES.
const SEED = Number(process.env.S3FS_FUZZ_SEED ?? 20261202)
const CASES = Number(process.env.S3FS_FUZZ_CASES ?? 10_000)
const HANG_MS = Number(process.env.S3FS_FUZZ_HANG_MS ?? 20_000)

// The codes the README lists: nothing else may come out of the library.
const S3FS_CODES = new Set([
  'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY', 'EACCES', 'EPERM', 'EINVAL', 'ENAMETOOLONG', 'ERANGE', 'EFBIG', 'ESTALE',
  'EBUSY', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ENETUNREACH', 'EPROTO', 'ECREDENTIALS', 'EBADF', 'EBADMSG',
  'ENOSPC', 'EDQUOT', 'EROFS', 'EMFILE', 'EXDEV', 'ENOMEM', 'ABORT_ERR', 'EIO',
])
const NODE_CODES = new Set(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE'])

/** mulberry32: small, seeded, the same sequence on every machine. */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const fs = testFs()
const local = mkdtempSync(path.join(os.tmpdir(), 's3fs-fuzz-'))
afterAll(() => {
  fs.close()
  rmSync(local, { recursive: true, force: true })
})

test(`${CASES} generated calls with bad arguments, URLs and keys: no crash, no hang, only documented errors`, async () => {
  console.log(`fuzz seed ${SEED}, ${CASES} cases, ${backendUnderTest} backend (replay: S3FS_FUZZ_SEED=${SEED})`)
  const random = generator(SEED)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const prefix = `fuzz-${SEED}-${backendUnderTest}`

  const text = (): string => {
    const alphabet = ['a', 'Z', '0', '/', '//', '.', '..', ' ', '%', '%2F', '?', '#', '*', '[', ']', '[z-a]', '\\', '\u00e9', '\u{1F600}', '\u0000', '\n', '~', '+', '&', '=']
    return Array.from({ length: Math.floor(random() * 12) }, () => pick(alphabet)).join('')
  }
  // Mostly well-formed URLs under this run's prefix (so the server is really asked), and malformed ones.
  const s3Url = (): unknown =>
    pick<() => unknown>([
      () => `s3://${BUCKET}/${prefix}/${text()}`,
      () => `s3://${BUCKET}/${prefix}/${text()}/`,
      () => `s3://${BUCKET}/${prefix}/${'k'.repeat(Math.floor(random() * 1100))}`,
      () => `s3://${pick(['', 'x', 'UPPER', 'no_such_bucket', 'a'.repeat(70), '127.0.0.1', 'b..c'])}/${text()}`,
      () => `s3:/${text()}`,
      () => `http://${text()}`,
      () => text(),
      () => pick([undefined, null, 42, NaN, {}, [], true, Symbol('url'), () => 'x', Buffer.from('s3://x/y')]),
    ])()
  const number = (): unknown => pick([0, 1, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 16, '4', null, undefined, {}, 10n, 2n ** 32n])
  const detached = (): Uint8Array => detachedView(pick(['Buffer', 'Uint8Array'] as const))
  /** A signal that aborts while the call runs, or already has, or never does. */
  const liveSignal = (): AbortSignal => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(pick([undefined, new Error('stop'), 'reason'])), Math.floor(random() * 20))
    return controller.signal
  }
  const options = (): unknown =>
    pick([undefined, null, {}, { recursive: true }, { recursive: 'yes' }, { signal: 'no' }, { signal: AbortSignal.abort() }, { concurrency: pick([0, -1, 1.5, NaN, 2]) }, { encoding: pick(['utf8', 'nope', 5]) }, { withFileTypes: true }, { contentType: pick(['text/plain', '\r\nX: 1', 7]) }, { metadata: pick([{ a: 'b' }, { 'a b': 'c' }, { a: 1 }, null]) }, 'utf8', 5])
  const data = (): unknown => pick(['', 'text', Buffer.alloc(3), new Uint16Array(2), new DataView(new ArrayBuffer(4)), new ArrayBuffer(2), 12, null, undefined, {}, [1, 2], Symbol('d'), ['a', 'b']])
  // Inside the run's directory whatever the text: no '..' climbs out of it.
  const localPath = (): unknown => pick([path.join(local, text().replace(/\u0000/g, '').replace(/\.\./g, '_') || 'f'), local, '', 42, null, path.join(local, 'missing', 'deeper')])

  const calls: Array<() => unknown> = [
    () => fs.stat(s3Url() as string, options() as never),
    () => fs.exists(s3Url() as string, options() as never),
    () => fs.readFile(s3Url() as string, options() as never),
    () => fs.read(s3Url() as string, pick([Buffer.alloc(16), Buffer.alloc(0), null, 'b', detached()]) as Buffer, number() as number, number() as number, number() as number, options() as never),
    () => fs.read(s3Url() as string, Buffer.alloc(16), 0, 8, number() as number, { signal: liveSignal() }),
    () => fs.writeFile(s3Url() as string, detached(), pick([undefined, { signal: liveSignal() }])),
    () =>
      new Promise((resolve, reject) => {
        const stream = fs.createReadStream(s3Url() as string, pick([undefined, { signal: liveSignal() }, { start: number(), end: number() }, { highWaterMark: number() }]) as never)
        stream.on('error', reject).on('end', resolve).resume()
      }),
    () =>
      new Promise((resolve, reject) => {
        const stream = fs.createWriteStream(s3Url() as string, pick([undefined, { signal: liveSignal() }, { highWaterMark: number() }]) as never)
        stream.on('error', reject).on('finish', resolve)
        stream.end(pick([Buffer.alloc(3), 'text']))
      }),
    () => fs.writeFile(s3Url() as string, data() as string, options() as never),
    () => fs.appendFile(s3Url() as string, data() as string, options() as never),
    () => fs.readdir(s3Url() as string, options() as never),
    () => fs.mkdir(s3Url() as string, options() as never),
    () => fs.rmdir(s3Url() as string, options() as never),
    () => fs.rm(s3Url() as string, options() as never),
    () => fs.glob(s3Url() as string, options() as never),
    () => fs.copyFile(s3Url() as string, s3Url() as string, options() as never),
    () => fs.cp(s3Url() as string, s3Url() as string, options() as never),
    () => fs.rename(s3Url() as string, s3Url() as string, options() as never),
    () => fs.download(s3Url() as string, localPath() as string, options() as never),
    () => fs.upload(localPath() as string, s3Url() as string, options() as never),
    async () => {
      const handle = await fs.open(s3Url() as string, pick(['r', 'w', 'x', undefined]) as 'r', options() as never)
      const writer = handle as unknown as WriteHandle | ReadHandle
      if (writer instanceof WriteHandle) {
        try {
          await writer.write(data() as string)
        } finally {
          await writer.abort()
        }
      } else {
        try {
          await writer.read(pick([Buffer.alloc(16), new Float64Array(2), 'no']) as Buffer, number() as number, number() as number, number() as number)
        } finally {
          await writer.close()
        }
      }
    },
    async () => {
      for await (const entry of fs.list(s3Url() as string, options() as never)) void entry
    },
  ]

  const workingDirectory = readdirSync(process.cwd())
  const unexpected: string[] = []
  const seen = new Map<string, number>()
  for (let i = 0; i < CASES; i++) {
    const call = pick(calls)
    let timer: NodeJS.Timeout | undefined
    const outcome = await Promise.race([
      (async () => call())().then(
        () => 'ok',
        (error: unknown) => error,
      ),
      new Promise((resolve) => (timer = setTimeout(() => resolve('HANG'), HANG_MS))),
    ])
    clearTimeout(timer)
    const code = (outcome as { code?: unknown })?.code
    const label = outcome === 'ok' ? 'ok' : outcome === 'HANG' ? 'HANG' : `${(outcome as Error)?.name}:${String(code)}`
    seen.set(label, (seen.get(label) ?? 0) + 1)
    const documented =
      outcome === 'ok' ||
      (outcome instanceof S3FsError && S3FS_CODES.has(outcome.code)) ||
      ((outcome instanceof TypeError || outcome instanceof RangeError) && NODE_CODES.has(String(code))) ||
      // A stream's signal aborts it with Node's own AbortError, as node:fs streams do.
      (outcome instanceof Error && outcome.name === 'AbortError' && code === 'ABORT_ERR')
    if (!documented && unexpected.length < 20 && !unexpected.some((u) => u.endsWith(String((outcome as Error)?.message)))) unexpected.push(`case ${i} (call ${calls.indexOf(call)}): ${outcome === 'HANG' ? 'hung' : `${String((outcome as Error)?.stack ?? outcome)}\n${String((outcome as Error)?.message)}`}`)
  }
  console.log(`fuzz outcomes: ${[...seen].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${label} ${n}`).join(', ')}`)
  expect(unexpected).toEqual([])
  // Downloads landed in the run's directory only.
  expect(readdirSync(process.cwd())).toEqual(workingDirectory)
  // The server was really asked: some calls succeeded.
  expect(seen.get('ok') ?? 0).toBeGreaterThan(0)
  await fs.rm(`s3://${BUCKET}/${prefix}/`, { recursive: true, force: true })
}, 900_000)
