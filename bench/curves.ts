// npm run bench -- --curves: how the native backend scales, against MinIO and against nginx:
// 4 KiB random reads at 1, 8, 32, 128 and 512 in flight, and readFile throughput against object size
// from 64 KiB to 4 GiB. Each point runs in a fresh process (bench/peer-native.ts's measure), medians of
// BENCH_CURVE_RUNS (default 3). Beside each point: the client's CPU, everything else's CPU on the
// machine in the same interval (the server, mostly), and the client's peak RSS, which tell where a
// curve flattens: the server, the client's CPU, or neither (connections, latency). Writes
// bench/results-curves.md. With BENCH_BASELINE_ADDON naming another build of the addon (an older
// engine), each point is measured with both, alternating, and the table gives the baseline's rate
// beside this one's.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { S3FileSystem } from 's3fs-native'
import { type Measurement, median } from './measure.js'
import { MiB } from './peer-rows.js'
import { benchDir } from './paths.js'
import { startMinio, startNginx } from './servers.js'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
const runs = Number(process.env.BENCH_CURVE_RUNS ?? 3)
const BUCKET = 'curves'
const IN_FLIGHT = [1, 8, 32, 128, 512]
const SIZES = [64 * 1024, MiB, 16 * MiB, 256 * MiB, 1024 * MiB, 4096 * MiB].filter((size) => size <= Number(process.env.BENCH_CURVE_MAX_MIB ?? 4096) * MiB)
const READS_PER_POINT = Number(process.env.BENCH_CURVE_READS ?? 4000)
const baselineAddon = process.env.BENCH_BASELINE_ADDON ? path.resolve(process.env.BENCH_BASELINE_ADDON) : undefined

interface Point extends Measurement {
  othersCpuSeconds: number
}

async function point(args: string[], addon?: string): Promise<Point> {
  const env = addon ? { ...process.env, S3FS_NATIVE_ADDON: addon } : process.env
  const { stdout } = await run(process.execPath, [path.join(here, 'curve-point.js'), ...args], { maxBuffer: 1 << 20, env })
  const m = JSON.parse(stdout.trim().split('\n').pop()!) as Measurement & { machineCpuSeconds: number }
  return { ...m, othersCpuSeconds: Math.max(0, m.machineCpuSeconds - m.cpuSeconds) }
}

/** `runs` measurements of a point with this build and, alternating, with the baseline's. */
async function points(args: string[]): Promise<{ current: Point[]; baseline: Point[] }> {
  const current: Point[] = []
  const baseline: Point[] = []
  for (let r = 0; r < runs; r++) {
    current.push(await point(args))
    if (baselineAddon) baseline.push(await point(args, baselineAddon))
  }
  return { current, baseline }
}

/** The baseline's rate and this build's against it, as extra cells; none without a baseline. */
function baselineCells(rate: number, baseline: Point[], rateOf: (p: Point) => number): string {
  if (!baselineAddon) return ''
  const old = median(baseline.map(rateOf))
  return ` ${old.toFixed(0)} | ${(rate / old).toFixed(2)}x |`
}

function sizeName(size: number): string {
  return size >= 1024 * MiB ? `${size / 1024 / MiB} GiB` : size >= MiB ? `${size / MiB} MiB` : `${size / 1024} KiB`
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 's3fs-curves-'))
  chmodSync(work, 0o755)
  const minio = await startMinio([BUCKET])
  const nginx = await startNginx(work)
  const lines: string[] = []
  try {
    const admin = new S3FileSystem({ backend: 'native', env: { S3_ENDPOINT: minio.endpoint, AWS_ACCESS_KEY_ID: minio.accessKeyId, AWS_SECRET_ACCESS_KEY: minio.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' } })
    mkdirSync(path.join(nginx.root, BUCKET), { recursive: true })
    const chunk = randomBytes(64 * MiB)
    for (const size of SIZES) {
      // Written in chunks (one write takes at most 2 GiB), served by nginx as is, uploaded to MinIO.
      const file = path.join(nginx.root, BUCKET, `${size}.bin`)
      const fd = openSync(file, 'w')
      for (let written = 0; written < size; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, size - written))
      closeSync(fd)
      await admin.upload(file, `s3://${BUCKET}/${size}.bin`)
    }
    await admin.close()
    const largest = Math.max(...SIZES)
    const servers: Array<[string, string]> = [['MinIO', minio.endpoint], ['nginx', nginx.endpoint]]
    const common = (endpoint: string): string[] => [endpoint, minio.accessKeyId, minio.secretAccessKey, BUCKET]

    lines.push('## 4 KiB random reads against requests in flight', '', `${READS_PER_POINT} reads of 4 KiB at random offsets of the ${sizeName(largest)} object (\`fs.read\` into Buffers of the caller's), default configuration (\`S3FS_POOL_CONNECTIONS\` 64, \`S3FS_MAX_IN_FLIGHT\` 256).`, '')
    const baselineHeader = baselineAddon ? [' baseline ops/s | vs baseline |', '---|---|'] : ['', '']
    lines.push(`| server | in flight | ops/s | client CPU-s per 1000 | others CPU-s per 1000 | machine busy (of 2 cores) | client peak RSS |${baselineHeader[0]}`, `|---|---|---|---|---|---|---|${baselineHeader[1]}`)
    for (const [server, endpoint] of servers) {
      for (const inFlight of IN_FLIGHT) {
        const { current, baseline } = await points(['reads', ...common(endpoint), String(largest), String(READS_PER_POINT), String(inFlight)])
        const seconds = median(current.map((p) => p.seconds))
        const client = median(current.map((p) => p.cpuSeconds))
        const others = median(current.map((p) => p.othersCpuSeconds))
        const rate = READS_PER_POINT / seconds
        lines.push(`| ${server} | ${inFlight} | ${rate.toFixed(0)} | ${(client / READS_PER_POINT * 1000).toFixed(2)} | ${(others / READS_PER_POINT * 1000).toFixed(2)} | ${(((client + others) / seconds / 2) * 100).toFixed(0)}% | ${median(current.map((p) => p.peakRssMiB)).toFixed(0)} MiB |${baselineCells(rate, baseline, (p) => READS_PER_POINT / p.seconds)}`)
        console.log(lines.at(-1))
      }
    }
    lines.push('', '## readFile throughput against object size', '', '`readFile` of the whole object, one after another until at least 128 MiB have been read (each result is new memory of the object\'s size), default part size (8 MiB) and parts in flight (8).', '')
    const sizeHeader = baselineAddon ? [' baseline MiB/s | vs baseline |', '---|---|'] : ['', '']
    lines.push(`| server | object | MiB/s | client CPU-s per GiB | others CPU-s per GiB | machine busy (of 2 cores) | client peak RSS |${sizeHeader[0]}`, `|---|---|---|---|---|---|---|${sizeHeader[1]}`)
    for (const [server, endpoint] of servers) {
      for (const size of SIZES) {
        const { current, baseline } = await points(['get', ...common(endpoint), String(size)])
        const seconds = median(current.map((p) => p.seconds))
        const gib = median(current.map((p) => p.amount)) / 1024 / MiB
        const client = median(current.map((p) => p.cpuSeconds))
        const others = median(current.map((p) => p.othersCpuSeconds))
        const rate = (gib * 1024) / seconds
        lines.push(`| ${server} | ${sizeName(size)} | ${rate.toFixed(0)} | ${(client / gib).toFixed(2)} | ${(others / gib).toFixed(2)} | ${(((client + others) / seconds / 2) * 100).toFixed(0)}% | ${median(current.map((p) => p.peakRssMiB)).toFixed(0)} MiB |${baselineCells(rate, baseline, (p) => p.amount / MiB / p.seconds)}`)
        console.log(lines.at(-1))
      }
    }
  } finally {
    await nginx.stop()
    await minio.stop()
    rmSync(work, { recursive: true, force: true })
  }
  const header = ['# Scaling curves of the native backend', '', `Written by \`npm run bench -- --curves\` (bench/curves.ts) on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; median of ${runs} runs per point, each in a fresh process${baselineAddon ? `, alternating with the baseline addon ${baselineAddon}` : ''}. "Others" is every other process's CPU in the same interval, the server's mostly.`, '']
  writeFileSync(path.join(benchDir, 'results-curves.md'), `${[...header, ...lines].join('\n')}\n`)
}

await main()
