import { type ChildProcess, fork } from 'node:child_process'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { referenceClient } from '../../lib/cli/local-minio.js'
import { decodeEventFile } from '../../lib/tensorboard/index.js'
import { encodeExample, TFRecordWriter } from '../../lib/tfrecord/index.js'
import { type MinioCluster, startMinioCluster } from '../server/minio-cluster.js'
import { backendUnderTest, BUCKET, randomData, testEnv, uniquePrefix, url } from '../helpers.js'

const JOB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/node-loss-job.mjs')
const FILES = 16
const RECORDS_PER_FILE = 250
const SHARDS = 4
/** The deadlines the job runs with: no call may take longer than the operation's. */
const REQUEST_TIMEOUT_MS = 5000
const OPERATION_TIMEOUT_MS = 30_000
const PHASE_MS = { before: 8000, outage: 12_000, after: 8000 }

interface Progress {
  at: number
  records: number
}
interface Epoch {
  epoch: number
  ids?: number[]
  slowestMs?: number
  error?: { code: string; message: string }
}
interface Checkpoint {
  step: number
  sha256?: string
  ms: number
  error?: { code: string; message: string }
}

/** Records a trainer had read by `at` (its last report before then). */
function recordsAt(reports: Progress[], at: number): number {
  let records = 0
  for (const report of reports) if (report.at <= at) records = report.records
  return records
}

// One outage for the whole suite: the cluster and the job's five processes are heavy for two cores,
// so this runs in the native project only, and its processes use both backends (trainers 0 and 2
// native, 1 and 3 JS; the checkpoint writer native).
describe.runIf(backendUnderTest === 'native')('a distributed MinIO (4 servers, erasure-coded) losing a server while a job trains', () => {
  let cluster: MinioCluster
  const base = url(uniquePrefix('node-loss'))
  const prefix = base.slice(`s3://${BUCKET}/`.length)

  beforeAll(async () => {
    cluster = await startMinioCluster(4, [BUCKET])
    const fs = new S3FileSystem({ env: testEnv({}, { ...cluster, endpoint: cluster.endpoints[0]! }) })
    try {
      await Promise.all(
        Array.from({ length: FILES }, async (_, f) => {
          const writer = new TFRecordWriter(`${base}/data/part-${String(f).padStart(2, '0')}.tfrecord`, { fs })
          for (let i = 0; i < RECORDS_PER_FILE; i++) await writer.write(encodeExample({ id: { int64List: [f * 1000 + i] }, payload: { bytesList: [randomData(2048)] } }))
          await writer.close()
        }),
      )
    } finally {
      fs.close()
    }
  }, 180_000)
  afterAll(() => cluster?.stop())

  test('every record once per epoch, every checkpoint readable, no call past its deadline, no upload left; records/s before, during and after', async () => {
    // The job talks to server 0, as it would to a load balancer's address; server 2 is lost.
    const jobEnv = (backend: 'native' | 'js'): Record<string, string> =>
      testEnv({ S3FS_BACKEND: backend, S3_REQUEST_TIMEOUT_MSEC: String(REQUEST_TIMEOUT_MS), S3FS_OPERATION_TIMEOUT_MSEC: String(OPERATION_TIMEOUT_MS) }, { ...cluster, endpoint: cluster.endpoints[0]! })
    const progress: Progress[][] = Array.from({ length: SHARDS }, () => [])
    const epochs: Epoch[][] = Array.from({ length: SHARDS }, () => [])
    const checkpoints: Checkpoint[] = []
    let eventsClosed: { eventsClosed: boolean; error?: unknown } | undefined
    const start = (job: object): ChildProcess =>
      fork(JOB, { env: { PATH: process.env.PATH ?? '', S3FS_TEST_JOB: JSON.stringify(job) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    const trainers = Array.from({ length: SHARDS }, (_, shard) => {
      const child = start({ env: jobEnv(shard % 2 === 0 ? 'native' : 'js'), base, mode: 'train', shard, shards: SHARDS })
      child.on('message', (message: Progress | Epoch) => ('epoch' in message ? epochs[shard]!.push(message) : progress[shard]!.push(message)))
      return child
    })
    const writer = start({ env: jobEnv('native'), base, mode: 'checkpoint' })
    writer.on('message', (message: Checkpoint | { eventsClosed: boolean }) => ('step' in message ? checkpoints.push(message) : (eventsClosed = message)))
    const exited = [...trainers, writer].map((child) => new Promise((resolve) => child.once('exit', resolve)))
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

    // Measured from when every trainer is warm (its first epoch read), not from process start-up.
    const warmBy = Date.now() + 60_000
    while (epochs.some((e) => e.length === 0) && Date.now() < warmBy) await sleep(100)
    const started = Date.now()
    await sleep(PHASE_MS.before)
    const lost = Date.now()
    await cluster.kill(2)
    await sleep(PHASE_MS.outage)
    await cluster.restart(2)
    const back = Date.now()
    await sleep(PHASE_MS.after)
    const ended = Date.now()
    for (const child of [...trainers, writer]) child.send('stop')
    await Promise.all(exited)

    const rate = (from: number, to: number): number => Math.round((progress.reduce((sum, reports) => sum + recordsAt(reports, to) - recordsAt(reports, from), 0) * 1000) / (to - from))
    console.log(
      [
        'A distributed MinIO (4 servers, erasure-coded) losing server 2 of 4 while 4 trainers read a sharded TFRecord dataset and a writer saves checkpoints:',
        `  records/s before ${rate(started, lost)}, during the outage ${rate(lost, back)} (restart took until ${((back - lost) / 1000).toFixed(1)} s), after ${rate(back, ended)}`,
        `  epochs completed per trainer: ${epochs.map((e) => e.filter((x) => x.ids).length).join(', ')}; slowest gap between two records: ${Math.max(...epochs.flat().map((e) => e.slowestMs ?? 0))} ms`,
        `  checkpoints written: ${checkpoints.filter((c) => c.sha256).length} of ${checkpoints.length}; slowest ${Math.max(...checkpoints.map((c) => c.ms))} ms`,
      ].join('\n'),
    )

    for (let shard = 0; shard < SHARDS; shard++) {
      const expected = Array.from({ length: FILES }, (_, f) => f)
        .filter((f) => f % SHARDS === shard)
        .flatMap((f) => Array.from({ length: RECORDS_PER_FILE }, (_, i) => f * 1000 + i))
        .sort((a, b) => a - b)
      expect(epochs[shard]!.filter((e) => e.error)).toEqual([])
      expect(epochs[shard]!.length).toBeGreaterThanOrEqual(2)
      for (const epoch of epochs[shard]!) {
        expect([...epoch.ids!].sort((a, b) => a - b)).toEqual(expected)
        expect(epoch.slowestMs).toBeLessThan(OPERATION_TIMEOUT_MS)
      }
    }
    expect(checkpoints.filter((c) => c.error)).toEqual([])
    expect(checkpoints.length).toBeGreaterThanOrEqual(10)
    for (const c of checkpoints) expect(c.ms).toBeLessThan(OPERATION_TIMEOUT_MS)
    expect(eventsClosed).toEqual({ eventsClosed: true })

    const reader = new S3FileSystem({ env: testEnv({}, { ...cluster, endpoint: cluster.endpoints[0]! }) })
    try {
      for (const c of checkpoints) {
        const bytes = await reader.readFile(`${base}/checkpoints/ckpt-${String(c.step).padStart(4, '0')}.bin`)
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(c.sha256)
      }
      const eventFiles = await reader.glob(`${base}/logs/events.out.tfevents.*`)
      const steps = (await Promise.all(eventFiles.map(async (file) => decodeEventFile(await reader.readFile(file)))))
        .flat()
        .flatMap((event) => event.values.filter((value) => value.tag === 'loss').map(() => event.step))
        .sort((a, b) => a - b)
      expect(steps).toEqual(checkpoints.map((c) => c.step))
    } finally {
      reader.close()
    }
    const client = referenceClient({ ...cluster, endpoint: cluster.endpoints[0]! })
    try {
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }))
      expect(uploads.Uploads ?? []).toEqual([])
    } finally {
      client.destroy()
    }
  }, 300_000)
})
