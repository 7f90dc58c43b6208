import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { CreateBucketCommand } from '@aws-sdk/client-s3'

import { freePort, referenceClient } from '../../lib/cli/local-minio.js'

/** S3 servers other than MinIO that the tests run the library against, built or installed by scripts/. */
export type OtherServerName = 'seaweedfs' | 'moto'
export const OTHER_SERVERS: OtherServerName[] = ['seaweedfs', 'moto']

export interface OtherServer {
  name: OtherServerName
  endpoint: string
  port: number
  accessKeyId: string
  secretAccessKey: string
  region: string
  stop(): Promise<void>
}

const scriptsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts')

/** The server's program: the script builds or installs it into the cache once and prints its path. */
function programOf(name: OtherServerName): string {
  const script = name === 'seaweedfs' ? 'build-seaweedfs.sh' : 'moto.sh'
  try {
    return execFileSync('bash', [path.join(scriptsDir, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  } catch (error) {
    throw new Error(`${name} (a test server) could not be set up by scripts/${script}: ${String((error as { stderr?: string }).stderr ?? error).trim()}`)
  }
}

/**
 * SeaweedFS's all-in-one `weed mini` on loopback, with an identities file so that requests are
 * signed and checked; its other services (WebDAV, admin UI, Iceberg, Lance) are off. Every port it
 * listens on is given: the defaults, or those it looks for itself, clash when two run at once.
 */
async function launchSeaweedfs(program: string, dataDir: string, port: number, keys: { accessKeyId: string; secretAccessKey: string }): Promise<ChildProcess> {
  const identities = path.join(dataDir, 'identities.json')
  writeFileSync(
    identities,
    JSON.stringify({
      identities: [{ name: 'test', credentials: [{ accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey }], actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'] }],
    }),
  )
  return spawn(
    program,
    [
      'mini',
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-dir=${dataDir}`,
      `-s3.port=${port}`,
      `-s3.config=${identities}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      '-webdav=false',
      '-admin.ui=false',
      '-master.telemetry=false',
      '-admin.port.legacy=0',
      ...(await Promise.all(
        ['master.port', 'master.port.grpc', 'volume.port', 'volume.port.grpc', 'filer.port', 'filer.port.grpc', 's3.port.grpc', 'admin.port', 'admin.port.grpc'].map(
          async (flag) => `-${flag}=${await freePort()}`,
        ),
      )),
    ],
    { env: { PATH: process.env.PATH, HOME: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
}

/** moto's server; it accepts any keys (it does not check signatures). */
function launchMoto(program: string, dataDir: string, port: number): ChildProcess {
  return spawn(program, ['-H', '127.0.0.1', '-p', String(port)], { env: { PATH: process.env.PATH, HOME: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Starts the server on a free loopback port with the given buckets, ready for requests. */
export async function startOtherServer(name: OtherServerName, buckets: string[]): Promise<OtherServer> {
  const program = programOf(name)
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `s3fs-${name}-`))
  const port = await freePort()
  const keys = { accessKeyId: `test${randomBytes(6).toString('hex')}`, secretAccessKey: randomBytes(20).toString('hex') }
  const child = name === 'seaweedfs' ? await launchSeaweedfs(program, dataDir, port, keys) : launchMoto(program, dataDir, port)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)))
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  const server: OtherServer = { name, endpoint: `http://127.0.0.1:${port}`, port, ...keys, region: 'us-east-1', stop }
  try {
    await createBuckets(server, buckets, child, () => output)
    return server
  } catch (error) {
    await stop()
    throw error
  }
}

/** Creates the buckets, retrying while the server comes up (SeaweedFS takes a few seconds). */
async function createBuckets(server: OtherServer, buckets: string[], child: ChildProcess, log: () => string): Promise<void> {
  const client = referenceClient(server)
  const deadline = Date.now() + 60_000
  try {
    for (const bucket of buckets) {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${server.name} exited with ${child.exitCode}:\n${log()}`)
        try {
          await client.send(new CreateBucketCommand({ Bucket: bucket }))
          break
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`${server.name} did not take requests within 60 s (${String(error)}):\n${log()}`)
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
      }
    }
  } finally {
    client.destroy()
  }
}
