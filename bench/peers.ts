// npm run bench -- --peers: the native backend against the clients a user would pick instead, on one
// MinIO and on nginx (which isolates client cost from server cost), side by side in one run. Every
// measurement runs in a fresh process; clients alternate within each run; BENCH_PEER_RUNS runs
// (default 3), medians. Writes bench/results-peers.{md,json,svg}. With BENCH_BASELINE_ADDON naming
// another build of the addon (an older engine, say), that build runs every native row too, as
// "native (baseline)", alternating with the others.
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { S3FileSystem } from 's3fs-native'
import { type Measurement, median } from './measure.js'
import { type ChartGroup, peerChartSvg } from './peer-chart.js'
import { type PeerJob, type PeerRow, peerRows, peerSizes, MiB } from './peer-rows.js'
import { s5cmd } from './peer-s5cmd.js'
import { benchDir, repoRoot } from './paths.js'
import { startMinio, startNginx } from './servers.js'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
const runs = Number(process.env.BENCH_PEER_RUNS ?? 3)
const only = new RegExp(process.env.BENCH_ONLY ?? '.')
const BUCKET = 'peers'
const PEERS = ['pyarrow', 's3torchconnector', 'boto3', 's5cmd'] as const
type Client = 'native' | 'native-baseline' | (typeof PEERS)[number] | 'curl' | 'curl-memory'
const baselineAddon = process.env.BENCH_BASELINE_ADDON ? path.resolve(process.env.BENCH_BASELINE_ADDON) : undefined
const CLIENTS: Client[] = ['native', ...(baselineAddon ? ['native-baseline' as const] : []), ...PEERS, 'curl', 'curl-memory']
const LABELS: Record<Client, string> = {
  native: 'native', 'native-baseline': 'native (baseline)', pyarrow: 'pyarrow', s3torchconnector: 's3torchconnector',
  boto3: 'boto3', s5cmd: 's5cmd', curl: 'curl', 'curl-memory': 'curl to memory',
}
type Server = 'MinIO' | 'nginx'

interface Sample extends Measurement {
  client: Client
  server: Server
  row: PeerRow['id']
  /** The server process's user + system time while the client's process ran. */
  serverCpuSeconds: number
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())

/** A process's user + system CPU time so far, from /proc (fields 14 and 15, after the command name). */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / clockTicks
}

async function parallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < count) await task(next++) }))
}

async function measured(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  const { stdout } = await run(command, args, { maxBuffer: 1 << 20, env })
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as Partial<Measurement>
  return { loopDelayP99Ms: 0, ...result } as Measurement
}

/**
 * curl, the wire reference: one process, keep-alive across its URLs, under /usr/bin/time. With
 * `intoMemory` the GET lands in a tmpfs file, fresh memory as a readFile result is, rather than in
 * /dev/null; tmpfs pages are not in curl's RSS.
 */
async function curl(row: PeerRow['id'], job: PeerJob, work: string, intoMemory = false): Promise<Measurement | undefined> {
  if (intoMemory && row !== 'get') return undefined
  const url = `${job.endpoint}/${job.bucket}/large.bin`
  const sign = `aws-sigv4 = "aws:amz:us-east-1:s3"\nuser = "${job.accessKeyId}:${job.secretAccessKey}"\nheader = "x-amz-content-sha256: UNSIGNED-PAYLOAD"\n`
  let config: string
  let amount: number
  const memoryFile = path.join('/dev/shm', `s3fs-peers-${process.pid}.bin`)
  if (row === 'get') {
    config = `${sign}url = "${url}"\noutput = "${intoMemory ? memoryFile : '/dev/null'}"\n`
    amount = job.largeSize
  } else if (row === 'stat' || row === 'rand1') {
    const count = row === 'stat' ? job.statCount : job.randomCount.rand1
    const each = (i: number): string => {
      const offset = Math.floor(((i * 2654435761) % 1_000_003) / 1_000_003 * (job.largeSize - 4096))
      return `${sign}url = "${url}"\noutput = "/dev/null"\n${row === 'stat' ? 'head\n' : `range = "${offset}-${offset + 4095}"\n`}`
    }
    config = Array.from({ length: count }, (_, i) => each(i)).join('next\n')
    amount = count
  } else {
    return undefined
  }
  const file = path.join(work, `curl-${row}.conf`)
  writeFileSync(file, config)
  const started = process.hrtime.bigint()
  const { stderr } = await run('/usr/bin/time', ['-f', 'TIME %U %S %M', 'curl', '-sf', '-K', file], { maxBuffer: 1 << 20 }).finally(() => rmSync(memoryFile, { force: true }))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const [, user, system, rssKiB] = stderr.trim().split('\n').pop()!.split(' ')
  return { seconds, amount, cpuSeconds: Number(user) + Number(system), loopDelayP99Ms: 0, peakRssMiB: Number(rssKiB) / 1024 }
}

interface Cell {
  rate: number
  cpu: number
  rss: number
  /** The server's CPU time per GiB or per 1000 operations. */
  serverCpu: number
  /** Client and server CPU time over the elapsed time: 2 is both cores of this machine. */
  coresBusy: number
}

/** Medians of one client's samples on one row and server: rate, CPU per GiB or per 1000 operations, peak RSS. */
function cellOf(samples: Sample[], row: PeerRow, server: Server, client: Client): Cell | undefined {
  const mine = samples.filter((s) => s.row === row.id && s.server === server && s.client === client)
  if (mine.length === 0) return undefined
  const perUnit = (s: Sample): number => (row.unit === 'MiB/s' ? s.amount / 1024 / MiB : s.amount / 1000)
  return {
    rate: median(mine.map((s) => (row.unit === 'MiB/s' ? s.amount / MiB : s.amount) / s.seconds)),
    cpu: median(mine.map((s) => s.cpuSeconds / perUnit(s))),
    rss: median(mine.map((s) => s.peakRssMiB)),
    serverCpu: median(mine.map((s) => s.serverCpuSeconds / perUnit(s))),
    coresBusy: median(mine.map((s) => (s.cpuSeconds + s.serverCpuSeconds) / s.seconds)),
  }
}

function fastestPeer(samples: Sample[], row: PeerRow, server: Server): number {
  return Math.max(0, ...PEERS.map((peer) => cellOf(samples, row, server, peer)?.rate ?? 0))
}

function measuredRows(samples: Sample[], server: Server): PeerRow[] {
  return peerRows.filter((row) => (server === 'MinIO' || row.nginx) && samples.some((s) => s.row === row.id && s.server === server))
}

function chart(samples: Sample[]): string {
  const groups: ChartGroup[] = []
  for (const server of ['MinIO', 'nginx'] as const) {
    for (const row of measuredRows(samples, server)) {
      const fastest = fastestPeer(samples, row, server)
      if (fastest === 0) continue
      const bars = CLIENTS.flatMap((client) => {
        const cell = cellOf(samples, row, server, client)
        return cell ? [{ client, label: LABELS[client], ratio: cell.rate / fastest }] : []
      })
      groups.push({ label: `${server}: ${row.name}`, bars })
    }
  }
  return peerChartSvg(`Rate against the fastest peer (median of ${runs} runs)`, groups)
}

function report(samples: Sample[], python: string, s5cmdBinary: string): string {
  const lines = [
    '# The native backend against its peers',
    '',
    `Written by \`npm run bench -- --peers\` (bench/peers.ts) on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${execFileSync(python, ['-c', 'import pyarrow, boto3, importlib.metadata as m; print(f"pyarrow {pyarrow.__version__}, s3torchconnectorclient {m.version(\'s3torchconnectorclient\')}, boto3 {boto3.__version__}")'], { encoding: 'utf8' }).trim()}, ${execFileSync(s5cmdBinary, ['version'], { encoding: 'utf8' }).trim().replace(/^/, 's5cmd ')}, ${execFileSync('curl', ['--version'], { encoding: 'utf8' }).split(' ').slice(0, 2).join(' ')}${baselineAddon ? `; native (baseline) is the addon ${baselineAddon}` : ''}.`,
    `Median of ${runs} runs, each measurement in a fresh process, clients alternating; the servers share the 2 cores with the client. CPU is the client process's user + system time, per GiB for byte rows and per 1000 operations otherwise; RSS is the client's peak during the work.`,
    'How each client is called: native `readFile`, `writeFile`, `read` into a Buffer, `stat`, `list` recursive, `download` of the prefix (8 files at once, its default); pyarrow `open_input_file().read()`, `open_output_stream`, `read_at` from 32 threads on one file, `get_file_info`, `FileSelector`, `copy_files`; s3torchconnectorclient `get_object` (ranged for 4 KiB), `put_object`, `head_object`, `list_objects`, 16 threads for the download; boto3 `download_fileobj`/`upload_fileobj` with 10 threads, ranged `get_object` from 32 threads, `head_object`, the `list_objects_v2` paginator, `download_file` from 10 threads; s5cmd `cat` to /dev/null, `cp` from a tmpfs file, `ls` of the prefix and `cp` of the prefix with its defaults (it has no ranged read, and a stat would be a process of its own: those rows are not measured for it); curl one process with keep-alive across its requests, writing to /dev/null; "curl to memory" is the same GET written to a tmpfs file, so that its bytes land in fresh memory as a `readFile` result does (tmpfs pages are not in its RSS).',
    '',
    '![Each client\'s rate against the fastest peer](results-peers.svg)',
    '',
  ]
  for (const server of ['MinIO', 'nginx'] as const) {
    const baselineColumn = baselineAddon ? ' native / baseline |' : ''
    lines.push(`## ${server}`, '', `| workload | ${CLIENTS.map((c) => LABELS[c]).join(' | ')} | native / fastest peer |${baselineColumn}`, `|---|${CLIENTS.map(() => '---|').join('')}---|${baselineAddon ? '---|' : ''}`)
    for (const row of measuredRows(samples, server)) {
      const text = (client: Client): string => {
        const cell = cellOf(samples, row, server, client)
        return cell ? `${cell.rate.toFixed(0)} ${row.unit}, ${cell.cpu.toFixed(2)} CPU-s, ${cell.rss.toFixed(0)} MiB` : '—'
      }
      const native = cellOf(samples, row, server, 'native')?.rate
      const fastest = fastestPeer(samples, row, server)
      const ratio = native !== undefined && fastest > 0 ? `${(native / fastest).toFixed(2)}x` : '—'
      const baseline = cellOf(samples, row, server, 'native-baseline')?.rate
      const againstBaseline = baselineAddon ? ` ${native !== undefined && baseline ? `${(native / baseline).toFixed(2)}x` : '—'} |` : ''
      lines.push(`| ${row.name} | ${CLIENTS.map(text).join(' | ')} | ${ratio} |${againstBaseline}`)
    }
    lines.push(
      '',
      `${server}'s CPU time for each client's work (per GiB or per 1000 operations), and the cores that client and server kept busy together (2.0: both of this machine's; a client cannot outrun a server that has the rest):`,
      '',
      `| workload | ${CLIENTS.map((c) => LABELS[c]).join(' | ')} |`,
      `|---|${CLIENTS.map(() => '---|').join('')}`,
    )
    for (const row of measuredRows(samples, server)) {
      const text = (client: Client): string => {
        const cell = cellOf(samples, row, server, client)
        return cell ? `${cell.serverCpu.toFixed(2)} CPU-s, ${cell.coresBusy.toFixed(2)} cores` : '—'
      }
      lines.push(`| ${row.name} | ${CLIENTS.map(text).join(' | ')} |`)
    }
    lines.push('')
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const python = execFileSync('bash', [path.join(repoRoot, 'scripts', 'bench-peers.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  const s5cmdBinary = execFileSync('bash', [path.join(repoRoot, 'scripts', 'bench-s5cmd.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  const work = mkdtempSync(path.join(os.tmpdir(), 's3fs-peers-'))
  chmodSync(work, 0o755)
  const minio = await startMinio([BUCKET])
  const nginx = await startNginx(work)
  const samples: Sample[] = []
  const failures: string[] = []
  try {
    console.log('preparing data ...')
    const admin = new S3FileSystem({ backend: 'native', env: { S3_ENDPOINT: minio.endpoint, AWS_ACCESS_KEY_ID: minio.accessKeyId, AWS_SECRET_ACCESS_KEY: minio.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' } })
    const large = randomBytes(peerSizes.largeSize)
    await admin.writeFile(`s3://${BUCKET}/large.bin`, large)
    mkdirSync(path.join(nginx.root, BUCKET), { recursive: true })
    writeFileSync(path.join(nginx.root, BUCKET, 'large.bin'), large)
    await parallel(peerSizes.listCount, 64, (i) => admin.writeFile(`s3://${BUCKET}/list/${i}`, ''))
    const piece = randomBytes(peerSizes.downloadSize)
    await parallel(peerSizes.downloadCount, 32, (i) => admin.writeFile(`s3://${BUCKET}/dl/${i}.bin`, piece))
    await admin.close()
    for (let r = 1; r <= runs; r++) {
      for (const row of peerRows.filter((x) => only.test(x.id))) {
        const servers: Array<[Server, string]> = [['MinIO', minio.endpoint]]
        if (row.nginx) servers.push(['nginx', nginx.endpoint])
        for (const [server, endpoint] of servers) {
          const order: Client[] = r % 2 ? CLIENTS : [...CLIENTS].reverse()
          for (const client of order) {
            // A directory of its own: a client that skips files already there would measure nothing.
            const downloadDir = mkdtempSync(path.join(work, 'dl-'))
            const job: PeerJob = { endpoint, accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey, bucket: BUCKET, runPrefix: `run-${r}`, downloadDir, ...peerSizes }
            let m: Measurement | undefined
            const serverPid = server === 'MinIO' ? minio.pid() : nginx.pid()
            const serverCpuBefore = processCpuSeconds(serverPid)
            try {
              if (client === 'native') m = await measured(process.execPath, [path.join(here, 'peer-native.js'), row.id, JSON.stringify(job)])
              else if (client === 'native-baseline') m = await measured(process.execPath, [path.join(here, 'peer-native.js'), row.id, JSON.stringify(job)], { ...process.env, S3FS_NATIVE_ADDON: baselineAddon })
              else if (client === 's5cmd') m = await s5cmd(s5cmdBinary, row.id, job)
              else if (client === 'curl' || client === 'curl-memory') m = await curl(row.id, job, work, client === 'curl-memory')
              else m = await measured(python, [path.join(benchDir, 'peers.py'), client, row.id, JSON.stringify(job)])
            } catch (error) {
              // A client that fails is reported as failed, and the others still run.
              const reason = (error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? String(error)
              failures.push(`run ${r}, ${row.name}, ${server}, ${client}: ${reason}`)
              console.log(`run ${r} ${row.id} ${server} ${client}: FAILED ${reason}`)
              continue
            } finally {
              rmSync(downloadDir, { recursive: true, force: true })
            }
            if (m === undefined) continue
            samples.push({ ...m, client, server, row: row.id, serverCpuSeconds: processCpuSeconds(serverPid) - serverCpuBefore })
            console.log(`run ${r} ${row.id} ${server} ${client}: ${((row.unit === 'MiB/s' ? m.amount / MiB : m.amount) / m.seconds).toFixed(0)} ${row.unit}`)
          }
        }
      }
    }
  } finally {
    await nginx.stop()
    await minio.stop()
    rmSync(work, { recursive: true, force: true })
  }
  const markdown = report(samples, python, s5cmdBinary) + (failures.length ? `\n## Failed measurements\n\n${failures.map((f) => `- ${f}`).join('\n')}\n` : '')
  writeFileSync(path.join(benchDir, 'results-peers.md'), `${markdown}\n`)
  writeFileSync(path.join(benchDir, 'results-peers.svg'), chart(samples))
  writeFileSync(path.join(benchDir, 'results-peers.json'), `${JSON.stringify({ runs, samples }, null, 1)}\n`)
  console.log(markdown)
}

await main()
