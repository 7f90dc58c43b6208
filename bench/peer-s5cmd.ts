// s5cmd's side of a peer row (bench/peers.ts): one s5cmd process per measurement under /usr/bin/time,
// its output to /dev/null. s5cmd is a bulk tool: it has no ranged read, and a stat is a process of its
// own, so the 4 KiB and stat rows are not measured for it.
import { spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { closeSync, openSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'

import type { Measurement } from './measure.js'
import { type PeerJob, type PeerRow, MiB, peerSizes } from './peer-rows.js'

/** Runs a command with its standard output discarded; resolves to its stderr. */
function runQuiet(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(stderr) : reject(Object.assign(new Error(`${command} exited with ${code}`), { stderr }))))
  })
}

/** A file of `size` random bytes in tmpfs, so that an upload reads it from memory. */
function memoryFile(size: number): string {
  const file = path.join('/dev/shm', `s3fs-peers-s5cmd-${process.pid}.bin`)
  const fd = openSync(file, 'w')
  const chunk = Buffer.allocUnsafe(8 * MiB)
  for (let written = 0; written < size; written += chunk.length) {
    randomFillSync(chunk)
    writeSync(fd, chunk, 0, Math.min(chunk.length, size - written))
  }
  closeSync(fd)
  return file
}

export async function s5cmd(binary: string, row: PeerRow['id'], job: PeerJob): Promise<Measurement | undefined> {
  const bucket = `s3://${job.bucket}`
  let args: string[]
  let amount: number
  let upload: string | undefined
  if (row === 'get') {
    args = ['cat', `${bucket}/large.bin`]
    amount = job.largeSize
  } else if (row === 'put') {
    upload = memoryFile(job.largeSize)
    args = ['cp', upload, `${bucket}/${job.runPrefix}/put-s5cmd.bin`]
    amount = job.largeSize
  } else if (row === 'list') {
    args = ['ls', `${bucket}/list/*`]
    amount = peerSizes.listCount
  } else if (row === 'download') {
    args = ['cp', `${bucket}/dl/*`, `${job.downloadDir}/`]
    amount = job.downloadCount * job.downloadSize
  } else {
    return undefined
  }
  const env = { ...process.env, AWS_ACCESS_KEY_ID: job.accessKeyId, AWS_SECRET_ACCESS_KEY: job.secretAccessKey, AWS_REGION: 'us-east-1' }
  const started = process.hrtime.bigint()
  const stderr = await runQuiet('/usr/bin/time', ['-f', 'TIME %U %S %M', binary, '--endpoint-url', job.endpoint, ...args], env).finally(() => {
    if (upload) rmSync(upload, { force: true })
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const [, user, system, rssKiB] = stderr.trim().split('\n').pop()!.split(' ')
  return { seconds, amount, cpuSeconds: Number(user) + Number(system), loopDelayP99Ms: 0, peakRssMiB: Number(rssKiB) / 1024 }
}
