import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Worker } from 'node:worker_threads'

import { afterAll, expect, test } from 'vitest'

import { startTcpProxy } from '../server/tcp-proxy.js'
import { randomData, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'worker-io.mjs')
const fs = testFs()
afterAll(() => fs.close())

function runWorker(workerData: object): { worker: Worker; messages: Array<Record<string, unknown>>; exit: Promise<number> } {
  const worker = new Worker(script, { workerData })
  const messages: Array<Record<string, unknown>> = []
  worker.on('message', (m: Record<string, unknown>) => messages.push(m))
  const exit = new Promise<number>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', resolve)
  })
  return { worker, messages, exit }
}

test('four workers do I/O at once, each with its own native engine', async () => {
  const prefix = uniquePrefix('workers')
  const runs = [0, 1, 2, 3].map((i) => runWorker({ env: testEnv(), prefix: `${prefix}/w${i}`, mode: 'roundtrip' }))
  const codes = await Promise.all(runs.map((r) => r.exit))
  expect(codes).toEqual([0, 0, 0, 0])
  for (const run of runs) expect(run.messages).toEqual([{ ok: true, names: ['0', '1', '2'] }])
})

test("a worker's small requests complete while the main thread's JS is blocked", async () => {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  const run = runWorker({ env: testEnv(), prefix: `${uniquePrefix('workers')}/blocked`, mode: 'round-trips', flag })
  while (run.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  Atomics.store(flag, 0, 1)
  // Blocks this thread, its event loop included, until the worker has done 200 round trips.
  expect(Atomics.wait(flag, 0, 1, 60_000)).not.toBe('timed-out')
  expect(Atomics.load(flag, 0)).toBe(100 * (64 * 1024 + 4096))
  expect(await run.exit).toBe(0)
})

test('a worker terminated mid-transfer shuts down promptly and leaves the others working', async () => {
  const key = `${uniquePrefix('workers')}/big`
  await fs.writeFile(url(key), randomData(32 * 1024 * 1024))
  const proxy = await startTcpProxy(server.port, { stallGets: true })
  const run = runWorker({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), prefix: key, mode: 'long-read' })
  while (run.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  await new Promise((resolve) => setTimeout(resolve, 300))
  const started = Date.now()
  await run.worker.terminate()
  expect(Date.now() - started).toBeLessThan(3000)
  expect(run.messages).toEqual([{ started: true }])
  await proxy.close()

  expect((await fs.readFile(url(key))).length).toBe(32 * 1024 * 1024)
  const again = runWorker({ env: testEnv(), prefix: `${uniquePrefix('workers')}/again`, mode: 'roundtrip' })
  expect(await again.exit).toBe(0)
})

test('terminating workers with reads in flight never takes the process down', async () => {
  const job = { env: testEnv(), prefix: uniquePrefix('terminate'), rounds: 40 }
  const child = await promisify(execFile)(process.execPath, [path.join(path.dirname(script), 'terminate-workers.mjs')], {
    env: { ...process.env, S3FS_TEST_JOB: JSON.stringify(job) },
    timeout: 120_000,
  }).catch((error: { code?: number; signal?: string; stderr?: string }) => {
    throw new Error(`the process died (${error.signal ?? `exit code ${error.code}`}): ${error.stderr?.slice(-2000)}`)
  })
  expect(JSON.parse(child.stdout.trim())).toEqual({ survived: 40 })
}, 150_000)

test('a process that never closes its filesystem exits as soon as its work is done', async () => {
  const job = { env: testEnv(), prefix: `${uniquePrefix('exit')}/x`, mode: 'no-close' }
  const started = Date.now()
  const { stdout } = await promisify(execFile)(process.execPath, [script], { env: { ...process.env, S3FS_TEST_JOB: JSON.stringify(job) }, timeout: 20_000 })
  const elapsed = Date.now() - started
  const { done } = JSON.parse(stdout.trim()) as { done: number }
  console.log(`child process: work done at ${done.toFixed(0)} ms, exited after ${elapsed} ms`)
  expect(elapsed - done).toBeLessThan(2000)
})
