// How long the JS thread is held while data moves: event-loop delay (monitorEventLoopDelay, 1 ms
// resolution) during back-to-back readFile of a 64 MiB object, against the same time idle, per
// backend, with and without a busy neighbour process taking a core (the machine has 2). Writes
// bench/results-event-loop.md.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'

import { S3FileSystem } from 's3fs-native'
import { benchDir } from './paths.js'
import { startMinio } from './servers.js'

const BUCKET = 'loop'
const SIZE = 64 * 1024 * 1024
const READS = Number(process.env.S3FS_LOOP_READS ?? 30)

interface Delays {
  p50: number
  p99: number
  max: number
  seconds: number
  /** Garbage collections on the JS thread meanwhile: how many, their total and longest pause. */
  gcs: number
  gcMs: number
  gcMaxMs: number
}

async function measure(work: () => Promise<void>): Promise<Delays> {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  const pauses: number[] = []
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((entry) => entry.duration)))
  observer.observe({ entryTypes: ['gc'] })
  const started = performance.now()
  histogram.enable()
  await work()
  histogram.disable()
  const seconds = (performance.now() - started) / 1000
  await new Promise((resolve) => setImmediate(resolve))
  observer.disconnect()
  const ms = (ns: number): number => ns / 1e6
  return {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    seconds,
    gcs: pauses.length,
    gcMs: pauses.reduce((sum, pause) => sum + pause, 0),
    gcMaxMs: Math.max(0, ...pauses),
  }
}

function busyNeighbour(): () => void {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
  return () => child.kill('SIGKILL')
}

const server = await startMinio([BUCKET])
const rows: string[] = []
try {
  const env = { S3_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' }
  const url = `s3://${BUCKET}/object`
  const setup = new S3FileSystem({ backend: 'native', env })
  await setup.writeFile(url, Buffer.alloc(SIZE, 7))
  await setup.close()
  for (const loaded of [false, true]) {
    const stopNeighbour = loaded ? busyNeighbour() : () => {}
    try {
      for (const backend of ['native', 'js'] as const) {
        const fs = new S3FileSystem({ backend, env })
        await fs.readFile(url)
        const reading = await measure(async () => {
          for (let i = 0; i < READS; i++) await fs.readFile(url)
        })
        const idle = await measure(() => new Promise((resolve) => setTimeout(resolve, reading.seconds * 1000)))
        await fs.close()
        const line = `| ${backend} | ${loaded ? 'yes' : 'no'} | ${(READS * SIZE / 2 ** 20 / reading.seconds).toFixed(0)} MiB/s | ${reading.p50.toFixed(1)} / ${reading.p99.toFixed(1)} / ${reading.max.toFixed(1)} | ${idle.p50.toFixed(1)} / ${idle.p99.toFixed(1)} / ${idle.max.toFixed(1)} | ${reading.gcs}, ${reading.gcMs.toFixed(0)} ms, longest ${reading.gcMaxMs.toFixed(1)} ms |`
        console.log(line)
        rows.push(line)
      }
    } finally {
      stopNeighbour()
    }
  }
} finally {
  await server.stop()
}

const report = [
  '# Event-loop delay while reading',
  '',
  `${READS} back-to-back \`readFile\` calls of a 64 MiB object per backend against MinIO on loopback, then the same time idle, with and without a neighbour process spinning on one of the 2 cores. Delay in ms (p50 / p99 / max) from \`monitorEventLoopDelay\` at 1 ms resolution; it includes the timer's own lateness, hence ~1 ms when idle. GC pauses are V8's garbage collections on the JS thread during the reads (a \`PerformanceObserver\` of \`gc\` entries). Written by \`node build/bench/bench/event-loop.js\` (part of \`npm run bench\`).`,
  '',
  '| backend | busy neighbour | throughput | delay reading (ms) | delay idle (ms) | GC pauses while reading |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n')
writeFileSync(path.join(benchDir, 'results-event-loop.md'), report)
