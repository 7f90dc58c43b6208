// npm run bench: starts MinIO and nginx on loopback, prepares the data, then runs every workload
// with the native backend, the JS backend and curl in alternation, BENCH_RUNS times (default 5),
// and writes medians to bench/results.{json,md,png}. The large transfers against MinIO run with
// checksums off as well (both backends), for what checksums cost, side by side.
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { S3FileSystem } from 's3fs-native'
import type { Measurement } from './measure.js'
import { benchDir } from './paths.js'
import { writeReport, type Row } from './report.js'
import { startMinio, startNginx } from './servers.js'
import { BUCKET, MiB, sizes, workloads } from './workloads.js'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 5)
// BENCH_ONLY=regex runs the matching workloads alone (for profiling one of them).
const only = new RegExp(process.env.BENCH_ONLY ?? '.')
const work = mkdtempSync(path.join(os.tmpdir(), 's3fs-bench-'))
// nginx's workers run unprivileged and must read the files.
chmodSync(work, 0o755)

type Client = 'native' | 'js' | 'native, checksums off' | 'js, checksums off' | 'curl' | 'curl, 4 ranged streams'
type Server = 'MinIO' | 'nginx'
// nginx keeps no checksums: only against MinIO do checksums cost anything on a read.
const checksumCost = /^(GET 1 GiB|PUT 1 GiB|readFile 256 MiB)/

async function prepare(fs: S3FileSystem, wwwRoot: string): Promise<string> {
  const localFile = path.join(work, 'large.bin')
  const fd = openSync(localFile, 'w')
  for (let written = 0; written < sizes.large; written += 16 * MiB) writeSync(fd, randomBytes(Math.min(16 * MiB, sizes.large - written)))
  closeSync(fd)
  await fs.upload(localFile, `s3://${BUCKET}/large.bin`)
  mkdirSync(path.join(wwwRoot, BUCKET, 'small'), { recursive: true })
  copyFileSync(localFile, path.join(wwwRoot, BUCKET, 'large.bin'))
  const medium = randomBytes(sizes.medium)
  await fs.writeFile(`s3://${BUCKET}/medium.bin`, medium)
  writeFileSync(path.join(wwwRoot, BUCKET, 'medium.bin'), medium)
  const small = randomBytes(sizes.small)
  await parallel(sizes.smallCount, 32, async (i) => {
    await fs.writeFile(`s3://${BUCKET}/small/${i}.bin`, small)
    writeFileSync(path.join(wwwRoot, BUCKET, 'small', `${i}.bin`), small)
  })
  await parallel(sizes.listCount, 64, (i) => fs.writeFile(`s3://${BUCKET}/list/${i}`, ''))
  return localFile
}

async function parallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < count) await task(next++) }))
}

/** curl (the ceiling reference) under /usr/bin/time for its CPU and peak RSS. */
async function curl(script: string, bytes: number): Promise<Measurement> {
  const started = process.hrtime.bigint()
  const { stderr } = await run('/usr/bin/time', ['-f', 'TIME %U %S %M', 'bash', '-c', script], { maxBuffer: 1 << 20 })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const [, user, system, rssKiB] = stderr.trim().split('\n').pop()!.split(' ')
  return { seconds, amount: bytes, cpuSeconds: Number(user) + Number(system), loopDelayP99Ms: 0, peakRssMiB: Number(rssKiB) / 1024 }
}

async function child(job: object): Promise<Measurement> {
  const { stdout } = await run(process.execPath, [path.join(here, 'child.js'), JSON.stringify(job)], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measurement
}

async function main(): Promise<void> {
  console.log(`s3fs-native bench: ${runs} runs, ${sizes.large / MiB} MiB large object, work dir ${work}`)
  const minio = await startMinio([BUCKET])
  const nginx = await startNginx(work)
  const creds = { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey }
  const admin = new S3FileSystem({ backend: 'native', env: { S3_ENDPOINT: minio.endpoint, AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' } })
  const sigv4 = `--aws-sigv4 aws:amz:us-east-1:s3 --user ${creds.accessKeyId}:${creds.secretAccessKey} -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD'`
  const samples = new Map<string, Measurement[]>()
  const record = (workload: string, client: Client, server: Server, m: Measurement): void => {
    const key = JSON.stringify([workload, client, server])
    samples.set(key, [...(samples.get(key) ?? []), m])
  }
  try {
    console.log('preparing data ...')
    const localFile = await prepare(admin, nginx.root)
    for (let r = 1; r <= runs; r++) {
      for (const workload of workloads.filter((w) => only.test(w.name))) {
        const targets: Array<[Server, string]> = [['MinIO', minio.endpoint]]
        if (workload.readsOnly) targets.push(['nginx', nginx.endpoint])
        for (const [server, endpoint] of targets) {
          const variants = server === 'MinIO' && checksumCost.test(workload.name) ? [false, true] : [false]
          const clients = variants.flatMap((unchecked) => (['native', 'js'] as const).map((backend) => ({ backend, unchecked })))
          // Each run starts with another client: the first one after a workload that wrote gigabytes
          // pays for the kernel reclaiming page cache for its fresh memory.
          for (let i = 0; i < clients.length; i++) {
            const { backend, unchecked } = clients[(i + r - 1) % clients.length]!
            const runPrefix = `run-${r}-${backend}-${randomBytes(3).toString('hex')}`
            const job = { workload: workload.name, backend, endpoint, ...creds, localFile, runPrefix, ...(unchecked ? { checksum: 'off' } : {}) }
            record(workload.name, unchecked ? `${backend}, checksums off` : backend, server, await child(job))
          }
          if (workload.name.startsWith('GET')) {
            const objectUrl = `${endpoint}/${BUCKET}/large.bin`
            record(workload.name, 'curl', server, await curl(`curl -sf -o /dev/null ${sigv4} ${objectUrl}`, sizes.large))
            if (server === 'nginx') {
              const quarter = sizes.large / 4
              const ranged = [0, 1, 2, 3].map((i) => `curl -sf -o /dev/null -r ${i * quarter}-${(i + 1) * quarter - 1} ${objectUrl} &`).join(' ')
              record(workload.name, 'curl, 4 ranged streams', server, await curl(`${ranged} wait`, sizes.large))
            }
          }
          if (workload.name.startsWith('PUT')) {
            record(workload.name, 'curl', server, await curl(`curl -sf -o /dev/null ${sigv4} -T ${localFile} ${endpoint}/${BUCKET}/curl-put-${r}.bin`, sizes.large))
          }
        }
      }
      console.log(`run ${r}/${runs} done`)
    }
  } finally {
    admin.close()
    await nginx.stop()
    await minio.stop()
    rmSync(work, { recursive: true, force: true })
  }
  const rows: Row[] = [...samples].map(([key, measurements]) => {
    const [workload, client, server] = JSON.parse(key) as [string, Client, Server]
    return { workload, client, server, unit: workloads.find((w) => w.name === workload)!.unit, measurements }
  })
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim()}`
  await writeReport(rows, { machine, runs, date: new Date().toISOString() }, benchDir)
}

await main()
