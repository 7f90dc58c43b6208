import { randomBytes } from 'node:crypto'

import type { S3FileSystemOptions } from '../config.js'
import { S3FileSystem } from '../fs.js'
import { humanBytes } from './format.js'

export interface BenchOptions {
  /** How each backend's filesystem is configured (by default, from the environment). */
  configuration?: S3FileSystemOptions
  sizeMiB: number
  runs: number
  json: boolean
  signal: AbortSignal
}

interface BenchRow {
  backend: 'native' | 'js'
  writeMiBps?: number
  readMiBps?: number
  unavailable?: string
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint()
  await run()
  return Number(process.hrtime.bigint() - started) / 1e9
}

/**
 * A quick throughput check against the configured endpoint: one object of `sizeMiB` written and
 * read back `runs` times by each backend, alternating, under `prefix` (removed afterwards).
 */
export async function bench(prefix: string, options: BenchOptions): Promise<BenchRow[]> {
  const data = randomBytes(options.sizeMiB * 1024 * 1024)
  const mib = data.length / (1024 * 1024)
  const base = prefix.replace(/\/*$/, '/')
  const rows: BenchRow[] = []
  const systems = new Map<'native' | 'js', S3FileSystem>()
  for (const backend of ['native', 'js'] as const) {
    try {
      systems.set(backend, new S3FileSystem({ ...options.configuration, backend }))
    } catch (error) {
      rows.push({ backend, unavailable: (error as Error).message })
    }
  }
  const samples = new Map<'native' | 'js', { write: number[]; read: number[] }>()
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const [backend, fs] of systems) {
        const url = `${base}s3fs-bench-${backend}-${process.pid}.bin`
        const sample = samples.get(backend) ?? { write: [], read: [] }
        samples.set(backend, sample)
        sample.write.push(mib / (await timed(() => fs.writeFile(url, data, { signal: options.signal }))))
        sample.read.push(mib / (await timed(() => fs.readFile(url, { signal: options.signal }))))
      }
    }
  } finally {
    for (const [backend, fs] of systems) {
      await fs.rm(`${base}s3fs-bench-${backend}-${process.pid}.bin`, { force: true }).catch(() => undefined)
      fs.close()
    }
  }
  for (const [backend, sample] of samples) rows.push({ backend, writeMiBps: median(sample.write), readMiBps: median(sample.read) })
  return rows.sort((a, b) => a.backend.localeCompare(b.backend))
}

export function benchTable(rows: BenchRow[], sizeMiB: number, runs: number): string {
  const lines = [`object ${humanBytes(sizeMiB * 1024 * 1024)}, median of ${runs} run${runs === 1 ? '' : 's'}`, 'backend   write MiB/s   read MiB/s']
  for (const row of rows) {
    if (row.unavailable !== undefined) lines.push(`${row.backend.padEnd(9)} unavailable: ${row.unavailable}`)
    else lines.push(`${row.backend.padEnd(9)} ${row.writeMiBps!.toFixed(1).padStart(11)}   ${row.readMiBps!.toFixed(1).padStart(10)}`)
  }
  const native = rows.find((r) => r.backend === 'native' && r.readMiBps !== undefined)
  const js = rows.find((r) => r.backend === 'js' && r.readMiBps !== undefined)
  if (native && js) lines.push(`native/js: write ${(native.writeMiBps! / js.writeMiBps!).toFixed(2)}x, read ${(native.readMiBps! / js.readMiBps!).toFixed(2)}x`)
  return lines.join('\n')
}
