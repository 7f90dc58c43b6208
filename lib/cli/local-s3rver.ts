// The demo's server where MinIO cannot be built (no Go): s3rver, an S3 server in JavaScript,
// installed from npm into the cache by scripts/s3rver.sh. Its fidelity is enough for the demo's job
// and not for more (README, "Other S3 servers"): a key that is also a prefix is a 500, so is a listing
// past 1000 keys, and uploads cannot be aborted. Its data lives in a temporary directory, removed at stop.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { freePort, isLive, packageScript } from './local-minio.js'

export interface S3rverServer {
  endpoint: string
  /** The only keys s3rver knows. */
  accessKeyId: 'S3RVER'
  secretAccessKey: 'S3RVER'
  region: 'us-east-1'
  stop(): Promise<void>
}

/** Installs s3rver into the cache unless it is there; the path of its command. */
function installS3rver(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [packageScript('s3rver.sh')], { encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`installing s3rver from npm failed: ${stderr.trim() || error.message}`)) : resolve(stdout.trim()),
    )
  })
}

/** Starts s3rver on a free loopback port with the given bucket. */
export async function startS3rver(bucket: string): Promise<S3rverServer> {
  const program = await installS3rver()
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3fs-s3rver-'))
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    [program, '-d', dataDir, '-a', '127.0.0.1', '-p', String(port), '--silent', '--no-vhost-buckets', '--configure-bucket', bucket],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  const endpoint = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  // An unsigned GET of the bucket lists it once s3rver is up and the bucket made.
  while (!(await isLive(`${endpoint}/${bucket}`, undefined))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`s3rver did not come up within 30 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1', stop }
}
