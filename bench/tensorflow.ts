// npm run bench, TensorFlow rows: the s3fs-native plugin against tensorflow-io's S3 filesystem
// (TensorFlow's own, on aws-sdk-cpp), both inside Python TensorFlow 2.9.1 through tf.io.gfile and
// tf.data, on one MinIO, alternating, each measurement a fresh Python process. Writes
// bench/results-tensorflow.{json,md}.
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { S3FileSystem, tensorflowPluginPath } from 's3fs-native'
import { benchDir, repoRoot } from './paths.js'
import { frameTFRecord } from 's3fs-native/tfrecord'
import { startMinio } from '../lib/cli/local-minio.js'
import { startTcpProxy } from '../test/server/tcp-proxy.js'

const run = promisify(execFile)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const only = new RegExp(process.env.BENCH_ONLY ?? '.')
const BUCKET = 'bench-tf'
const MiB = 1024 * 1024
const GiB = 1024 * MiB

interface Workload {
  name: string
  id: string
  unit: 'MiB/s' | 'ops/s'
  /** Count the bytes the client uploads (through a counting proxy). */
  countUpload?: boolean
}

const workloads: Workload[] = [
  { name: 'GFile read 1 GiB, whole', id: 'read-1g', unit: 'MiB/s' },
  { name: '4 KiB random reads (GFile seek + read), 1 in flight', id: 'random-4k', unit: 'ops/s' },
  { name: 'TFRecordDataset over 64 files x 4 MiB, 256 KiB records (num_parallel_reads=8)', id: 'tfrecord-64', unit: 'MiB/s' },
  { name: 'tf.io.gfile.glob over 10 000 keys', id: 'glob-10k', unit: 'ops/s' },
  { name: 'GFile write 1 GiB in 8 MiB writes', id: 'write-1g', unit: 'MiB/s' },
  { name: '2000-step tf.summary (scalars), flush every 10 steps', id: 'summary-scalars', unit: 'ops/s', countUpload: true },
  { name: '2000-step tf.summary (scalar + 1000-bucket histogram), flush every 10 steps', id: 'summary-histograms', unit: 'ops/s', countUpload: true },
]
const clients = ['s3fs-native', 'tensorflow-io'] as const

interface Measurement {
  seconds: number
  amount: number
  cpuSeconds: number
  peakRssMiB: number
  uploadedBytes?: number
}

async function prepare(fs: S3FileSystem): Promise<void> {
  const large = `s3://${BUCKET}/data/large.bin`
  const write = fs.createWriteStream(large)
  for (let written = 0; written < GiB; written += 16 * MiB) {
    if (!write.write(randomBytes(16 * MiB))) await new Promise((resolve) => write.once('drain', resolve))
  }
  await new Promise<void>((resolve, reject) => write.end((error?: Error | null) => (error ? reject(error) : resolve())))
  for (let file = 0; file < 64; file++) {
    const records = Array.from({ length: 16 }, () => frameTFRecord(randomBytes(256 * 1024 - 16)))
    await fs.writeFile(`s3://${BUCKET}/data/records/part-${String(file).padStart(2, '0')}.tfrecord`, Buffer.concat(records))
  }
  let next = 0
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < 10_000) await fs.writeFile(`s3://${BUCKET}/data/list/${next++}`, '')
  }))
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function main(): Promise<void> {
  const python = execFileSync('bash', [path.join(repoRoot, 'scripts', 'tf-python.sh'), '2.9.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  const plugin = tensorflowPluginPath()
  const minio = await startMinio([BUCKET])
  const proxy = await startTcpProxy(minio.port)
  const env = { S3_ENDPOINT: minio.endpoint, AWS_ACCESS_KEY_ID: minio.accessKeyId, AWS_SECRET_ACCESS_KEY: minio.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' }
  const admin = new S3FileSystem({ backend: 'native', env })
  const samples = new Map<string, Measurement[]>()
  try {
    console.log(`s3fs-native TensorFlow bench: ${runs} runs, plugin ${plugin}`)
    await prepare(admin)
    for (let r = 1; r <= runs; r++) {
      for (const workload of workloads.filter((w) => only.test(w.name))) {
        for (const client of clients) {
          const endpoint = workload.countUpload ? proxy.endpoint : minio.endpoint
          const before = proxy.bytesFromClients
          const { stdout } = await run(python, [path.join(benchDir, 'tf_bench.py'), client, workload.id, `s3://${BUCKET}/data`, plugin], {
            env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, S3_ENDPOINT: endpoint, AWS_REGION: 'us-east-1', S3_USE_HTTPS: '0', S3_VERIFY_SSL: '0', TF_CPP_MIN_LOG_LEVEL: '2' },
            maxBuffer: 1 << 20,
          })
          const measurement = JSON.parse(stdout.trim().split('\n').pop()!) as Measurement
          if (workload.countUpload) measurement.uploadedBytes = proxy.bytesFromClients - before
          const key = JSON.stringify([workload.name, client])
          samples.set(key, [...(samples.get(key) ?? []), measurement])
        }
      }
      console.log(`run ${r}/${runs} done`)
    }
  } finally {
    admin.close()
    await proxy.close()
    await minio.stop()
  }
  const rows = [...samples].map(([key, ms]) => {
    const [name, client] = JSON.parse(key) as [string, string]
    const workload = workloads.find((w) => w.name === name)!
    const bytes = workload.unit === 'MiB/s'
    return {
      workload: name,
      client,
      unit: workload.unit,
      runs: ms.length,
      throughput: median(ms.map((m) => (bytes ? m.amount / MiB : m.amount) / m.seconds)),
      cpu: median(ms.map((m) => (bytes ? m.cpuSeconds / (m.amount / GiB) : (m.cpuSeconds / m.amount) * 1000))),
      cpuUnit: bytes ? 'CPU s/GiB' : 'CPU s/1000 ops',
      peakRssMiB: median(ms.map((m) => m.peakRssMiB)),
      uploadedMiB: ms[0]!.uploadedBytes === undefined ? undefined : median(ms.map((m) => m.uploadedBytes!)) / MiB,
    }
  })
  const lines = [
    '# TensorFlow rows: the s3fs-native plugin vs tensorflow-io',
    '',
    `${new Date().toISOString()}; ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}; Python TensorFlow 2.9.1 with tensorflow-io 0.26.0 (the newest TensorFlow a tensorflow-io release supports is 2.16; 2.9.1 is the libtensorflow tfjs-node links); MinIO on loopback; medians of ${runs} runs, clients alternating, each measurement a fresh process. npm run bench (bench/tensorflow.ts, bench/tf_bench.py).`,
    '',
    '| workload | client | median | CPU | peak RSS MiB | uploaded MiB | vs tensorflow-io |',
    '|---|---|---:|---:|---:|---:|---:|',
  ]
  for (const row of rows) {
    const peer = rows.find((other) => other.workload === row.workload && other.client === 'tensorflow-io')
    const ratio = peer ? row.throughput / peer.throughput : Number.NaN
    lines.push(
      `| ${row.workload} | ${row.client} | ${row.throughput.toFixed(row.unit === 'MiB/s' ? 0 : 1)} ${row.unit} | ${row.cpu.toFixed(2)} ${row.cpuUnit} | ${row.peakRssMiB.toFixed(0)} | ${row.uploadedMiB === undefined ? '' : row.uploadedMiB.toFixed(1)} | ${ratio.toFixed(2)}x |`,
    )
  }
  const out = benchDir
  writeFileSync(path.join(out, 'results-tensorflow.json'), `${JSON.stringify(rows, null, 2)}\n`)
  writeFileSync(path.join(out, 'results-tensorflow.md'), `${lines.join('\n')}\n`)
  console.log(lines.join('\n'))
}

await main()
