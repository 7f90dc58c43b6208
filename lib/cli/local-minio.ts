import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'

import { withoutNodeVersionWarning } from '../js/client.js'

export interface MinioServer {
  endpoint: string
  port: number
  accessKeyId: string
  secretAccessKey: string
  region: string
  /** The self-signed certificate of a TLS server. */
  caFile?: string
  stop(): Promise<void>
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>
  /** Starts it again on the same port and data (killing it first if it runs). */
  restart(): Promise<void>
  /** The running server's process id, for benchmarks that count the server's CPU time. */
  pid(): number | undefined
}

/** The repository root: the nearest directory above this file that has scripts/build-minio.sh (also when compiled into build/). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'scripts', 'build-minio.sh'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('cannot find scripts/build-minio.sh above the MinIO launcher')
    dir = parent
  }
  return dir
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export function isLive(url: string, ca: Buffer | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const request = (url.startsWith('https') ? https : http).get(url, ca ? { ca } : {}, (response) => {
      response.resume()
      resolve(response.statusCode === 200)
    })
    request.on('error', () => resolve(false))
  })
}

async function waitUntilLive(url: string, ca: Buffer | undefined, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`MinIO exited with ${child.exitCode}:\n${log()}`)
    if (await isLive(url, ca)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`MinIO did not come up within 60 s:\n${log()}`)
}

/** A plain SDK client for a local server, independent of the library: to create buckets, and for tests to check state. */
export function referenceClient(server: Pick<MinioServer, 'endpoint' | 'accessKeyId' | 'secretAccessKey' | 'region' | 'caFile'>): S3Client {
  return withoutNodeVersionWarning(
    () =>
      new S3Client({
        ...(server.caFile ? { requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: readFileSync(server.caFile) }) }) } : {}),
        endpoint: server.endpoint,
        region: server.region,
        forcePathStyle: true,
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      }),
  )
}

/** A self-signed certificate for 127.0.0.1, made with the openssl command. */
function makeCertificate(dir: string): string {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'private.key'), '-out', path.join(dir, 'public.crt'),
  ], { stdio: 'ignore' })
  return path.join(dir, 'public.crt')
}

let binaryPath: string | undefined
let binaryError: Error | undefined

/** One of the package's scripts (scripts/ ships build-minio.sh and s3rver.sh for the demo). */
export function packageScript(name: string): string {
  return path.join(repoRoot(), 'scripts', name)
}

/** The script that builds MinIO into the cache (once) and prints the binary's path. */
export function buildMinioScript(): string {
  return packageScript('build-minio.sh')
}

/** The MinIO server, built once per process (scripts/build-minio.sh); one clear error when it cannot be. */
export function minioBinary(): string {
  if (binaryPath !== undefined) return binaryPath
  if (binaryError !== undefined) throw binaryError
  try {
    binaryPath = execFileSync('bash', [buildMinioScript()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
    return binaryPath
  } catch (error) {
    const reason = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim()
    binaryError = new Error(`The local MinIO server (for the tests and the demo) could not be built: ${reason}\n` + 'npm run test:unit runs the unit tests without it.')
    throw binaryError
  }
}

/** What every local MinIO runs with: its home, its root keys, no browser console, no update checks. */
export function minioEnv(home: string, keys: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, MINIO_ROOT_USER: keys.accessKeyId, MINIO_ROOT_PASSWORD: keys.secretAccessKey, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' }
}

/** The KMS key every local MinIO has (SSE-KMS's key id). */
export const KMS_KEY_ID = 's3fs-test-key'

/**
 * Starts MinIO on a free loopback port with random credentials and the given buckets; with
 * `tls`, over HTTPS with a fresh self-signed certificate (its path in `caFile`); in `region`
 * (default us-east-1), which requests must be signed for; answering virtual-hosted requests to
 * bucket.`domain`; with the given root `credentials` (default random ones).
 */
export async function startMinio(
  buckets: string[],
  options: { tls?: boolean; region?: string; domain?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): Promise<MinioServer> {
  const region = options.region ?? 'us-east-1'
  const kmsKey = randomBytes(32).toString('base64')
  const binary = minioBinary()
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3fs-minio-'))
  const port = await freePort()
  const consolePort = await freePort()
  const accessKeyId = options.credentials?.accessKeyId ?? `test${randomBytes(6).toString('hex')}`
  const secretAccessKey = options.credentials?.secretAccessKey ?? randomBytes(20).toString('hex')
  let output = ''
  const certsDir = mkdtempSync(path.join(os.tmpdir(), 's3fs-certs-'))
  const caFile = options.tls ? makeCertificate(certsDir) : undefined
  const args = ['server', '--quiet', '--certs-dir', certsDir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, dataDir]
  const launch = (): ChildProcess => {
    const started = spawn(binary, args, {
      env: {
        ...minioEnv(dataDir, { accessKeyId, secretAccessKey }),
        MINIO_API_REQUESTS_MAX: '10000',
        MINIO_SITE_REGION: region,
        // A built-in KMS key, so that SSE-S3 and SSE-KMS (key id s3fs-test-key) can be asked for.
        MINIO_KMS_SECRET_KEY: `${KMS_KEY_ID}:${kmsKey}`,
        // Virtual-hosted requests: bucket.DOMAIN.
        ...(options.domain ? { MINIO_DOMAIN: options.domain } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    return started
  }
  let child = launch()
  const scheme = options.tls ? 'https' : 'http'
  const live = (): Promise<void> => waitUntilLive(`${scheme}://127.0.0.1:${port}/minio/health/live`, caFile ? readFileSync(caFile) : undefined, child, () => output)
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
  const restart = async (): Promise<void> => {
    await kill()
    child = launch()
    await live()
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(certsDir, { recursive: true, force: true })
  }
  try {
    await live()
    const server: MinioServer = { endpoint: `${scheme}://127.0.0.1:${port}`, port, accessKeyId, secretAccessKey, region, stop, kill, restart, pid: () => child.pid }
    if (caFile !== undefined) server.caFile = caFile
    const client = referenceClient(server)
    for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }))
    client.destroy()
    return server
  } catch (error) {
    await stop()
    throw error
  }
}
