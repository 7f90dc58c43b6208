// The soak: 100 000 mixed operations (a tenth of them aborted mid-flight) per backend against
// MinIO on loopback, in this process. Memory must stay bounded: RSS after the run within 5% of RSS
// after the warm-up, no thread growth, descriptors within a few pooled connections. Writes
// bench/results-soak.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { S3FileSystem } from 's3fs-native'
import { benchDir } from './paths.js'
import { startMinio } from './servers.js'

const OPERATIONS = Number(process.env.S3FS_SOAK_OPERATIONS ?? 100_000)
const WARM_UP = Math.floor(OPERATIONS / 10)
const IN_FLIGHT = 32
const BUCKET = 'soak'
const KEYS = 200
const FD_SLACK = 4

interface Sample {
  rssMiB: number
  heapMiB: number
  fds: number
  threads: number
}

function sample(): Sample {
  globalThis.gc?.()
  const threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0)
  return { rssMiB: process.memoryUsage.rss() / 2 ** 20, heapMiB: process.memoryUsage().heapUsed / 2 ** 20, fds: readdirSync('/proc/self/fd').length, threads }
}

async function soak(fs: S3FileSystem): Promise<{ warm: Sample; end: Sample; seconds: number; failures: Map<string, number> }> {
  const payloads = [Buffer.alloc(1024, 1), Buffer.alloc(16 * 1024, 2), Buffer.alloc(64 * 1024, 3)]
  const key = (i: number): string => `s3://${BUCKET}/k/${i % KEYS}`
  await Promise.all(Array.from({ length: KEYS }, (_, i) => fs.writeFile(key(i), payloads[i % 3]!)))
  const failures = new Map<string, number>()
  let next = 0
  let warm: Sample | undefined
  const started = process.hrtime.bigint()
  const operation = async (i: number): Promise<void> => {
    // One in ten is aborted after a short while: cancellation must release what the call held.
    const signal = i % 10 === 0 ? AbortSignal.timeout(1 + (i % 5)) : undefined
    const options = signal ? { signal } : {}
    const buffer = Buffer.allocUnsafe(4096)
    switch (i % 8) {
      case 0: return void (await fs.writeFile(key(i), payloads[i % 3]!, options))
      case 1:
      case 2: return void (await fs.readFile(key(i), options))
      case 3: return void (await fs.stat(key(i), options))
      case 4: return void (await fs.read(key(i), buffer, 0, 4096, 100, options))
      case 5: return void (await fs.readdir(`s3://${BUCKET}/k/`, options))
      case 6: {
        const handle = await fs.open(key(i), 'r', options)
        await handle.read(buffer, 0, 4096, 0).finally(() => handle.close())
        return
      }
      default: return void (await fs.exists(key(i + 1), options))
    }
  }
  const worker = async (): Promise<void> => {
    for (let i = next++; i < OPERATIONS; i = next++) {
      await operation(i).catch((error: { code?: string }) => failures.set(error.code ?? 'unknown', (failures.get(error.code ?? 'unknown') ?? 0) + 1))
      if (i === WARM_UP) warm = sample()
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { warm: warm ?? sample(), end: sample(), seconds, failures }
}

const server = await startMinio([BUCKET])
const rows: string[] = []
let ok = true
try {
  for (const backend of (process.env.S3FS_SOAK_BACKENDS ?? 'native,js').split(',') as Array<'native' | 'js'>) {
    const fs = new S3FileSystem({
      backend,
      env: { S3_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' },
    })
    const { warm, end, seconds, failures } = await soak(fs)
    fs.close()
    const growth = (end.rssMiB / warm.rssMiB - 1) * 100
    const unexpected = [...failures].filter(([code]) => code !== 'ABORT_ERR')
    // Connection pools open and close a few connections as the load varies; a leak grows without bound.
    const passed = growth < 5 && end.fds <= warm.fds + FD_SLACK && end.threads <= warm.threads && unexpected.length === 0
    ok &&= passed
    rows.push(
      `| ${backend} | ${OPERATIONS} | ${(OPERATIONS / seconds).toFixed(0)} | ${failures.get('ABORT_ERR') ?? 0} | ${warm.rssMiB.toFixed(1)} → ${end.rssMiB.toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%) | ${warm.heapMiB.toFixed(1)} → ${end.heapMiB.toFixed(1)} MiB | ${warm.fds} → ${end.fds} | ${warm.threads} → ${end.threads} | ${unexpected.map(([c, n]) => `${c} ${n}`).join(', ') || 'none'} | ${passed ? 'yes' : 'NO'} |`,
    )
    console.log(rows.at(-1))
  }
} finally {
  await server.stop()
}

const report = [
  '# Soak',
  '',
  `${OPERATIONS} mixed operations per backend (writeFile 1 to 64 KiB, readFile, stat, ranged read, readdir, read handles, exists), ${IN_FLIGHT} in flight, one in ten aborted after 1-5 ms, against MinIO on loopback, in one process. RSS, descriptors and threads after the first ${WARM_UP} operations (the warm-up) and at the end (after a GC). Written by \`node build/bench/bench/soak.js\` (part of \`npm run bench\`).`,
  '',
  `| backend | operations | ops/s | aborted | RSS | JS heap in use | fds | threads | other errors | bounded (RSS < +5%, fds within ${FD_SLACK} of the warm-up's, no thread growth) |`,
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n')
writeFileSync(path.join(benchDir, 'results-soak.md'), report)
if (!ok) process.exitCode = 1
