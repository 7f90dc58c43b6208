// The native backend's side of a peer row (bench/peers.ts), in a process of its own: the same
// workload, objects and parameters as bench/peers.py gives each peer.
import { randomFillSync, randomInt } from 'node:crypto'
import path from 'node:path'

import { S3FileSystem } from 's3fs-native'
import { measure } from './measure.js'
import type { PeerJob } from './peer-rows.js'

const [workload, jobJson] = process.argv.slice(2) as [string, string]
const job = JSON.parse(jobJson) as PeerJob
const fs = new S3FileSystem({
  backend: 'native',
  env: {
    S3_ENDPOINT: job.endpoint,
    AWS_ACCESS_KEY_ID: job.accessKeyId,
    AWS_SECRET_ACCESS_KEY: job.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    // npm run bench -- --peers with S3FS_CHECKSUM=off: the engines compared without checksums.
    ...(process.env.S3FS_CHECKSUM ? { S3FS_CHECKSUM: process.env.S3FS_CHECKSUM } : {}),
  },
})
const large = `s3://${job.bucket}/large.bin`

async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < count) await task(next++) }))
}

function randomReads(count: number, inFlight: number): () => Promise<number> {
  const spots = Array.from({ length: count }, () => randomInt(0, job.largeSize - 4096))
  const buffers = Array.from({ length: inFlight }, () => Buffer.allocUnsafe(4096))
  return async () => {
    await inParallel(count, inFlight, (i) => fs.read(large, buffers[i % inFlight]!, 0, 4096, spots[i]!))
    return count
  }
}

const work: Record<string, () => () => Promise<number>> = {
  get: () => async () => (await fs.readFile(large)).length,
  put: () => {
    const data = randomFillSync(Buffer.allocUnsafe(job.largeSize))
    return async () => {
      await fs.writeFile(`s3://${job.bucket}/${job.runPrefix}/put.bin`, data)
      return data.length
    }
  },
  rand1: () => randomReads(job.randomCount.rand1, 1),
  rand32: () => randomReads(job.randomCount.rand32, 32),
  stat: () => async () => {
    for (let i = 0; i < job.statCount; i++) await fs.stat(large)
    return job.statCount
  },
  list: () => async () => {
    const keys = []
    for await (const entry of fs.list(`s3://${job.bucket}/list/`, { recursive: true })) keys.push(entry)
    return keys.length
  },
  download: () => async () => {
    await fs.download(`s3://${job.bucket}/dl/`, path.join(job.downloadDir, 'native'))
    return job.downloadCount * job.downloadSize
  },
}

const prepare = work[workload]
if (prepare === undefined) throw new Error(`no peer workload ${workload}`)
const run = prepare()
const result = await measure(run)
await fs.close()
process.stdout.write(`${JSON.stringify(result)}\n`)
