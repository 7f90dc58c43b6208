import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { type MinioServer, startMinio } from '../../lib/cli/local-minio.js'
import { type IdentityServices, startIdentityServices } from './identity-services.js'

/** The regions of the emulation, each with its S3 (a MinIO) and the bucket that lives there. */
export const HOME_REGION = 'us-east-1'
export const FAR_REGION = 'eu-west-1'
export const HOME_BUCKET = 'box-bucket'
export const FAR_BUCKET = 'far-bucket'
const BUCKET_REGIONS: Record<string, string> = { [HOME_BUCKET]: HOME_REGION, [FAR_BUCKET]: FAR_REGION }

/** Where AWS's names resolve inside the namespace: one address, one TLS front routing by host name. */
const AWS_ADDRESS = '10.0.0.1'
/** S3's host names in a region: plain, dualstack (IPv6) and FIPS. */
const s3Hosts = (region: string): string[] => [`s3.${region}.amazonaws.com`, `s3.dualstack.${region}.amazonaws.com`, `s3-fips.${region}.amazonaws.com`]
const AWS_HOSTS = [
  ...[HOME_REGION, FAR_REGION].flatMap((region) => [
    ...s3Hosts(region).flatMap((host) => [host, ...Object.keys(BUCKET_REGIONS).map((bucket) => `${bucket}.${host}`)]),
    `sts.${region}.amazonaws.com`,
  ]),
  'sts.amazonaws.com',
  `portal.sso.${HOME_REGION}.amazonaws.com`,
  `oidc.${HOME_REGION}.amazonaws.com`,
]

export interface S3Seen {
  host: string
  /** The region the request was signed for. */
  signedFor: string
  /** 400 when refused for keys past their expiry (ExpiredToken), 301 for a bucket of another region. */
  status: number
}

export interface AwsBox {
  /** Root keys of both regions' servers (temporary keys the identity services hand out work in the home region). */
  rootCredentials: { accessKeyId: string; secretAccessKey: string }
  /** The test CA that signed every AWS host name's certificate (AWS_CA_BUNDLE). */
  caFile: string
  identity: IdentityServices
  /** Every S3 request the emulation answered, in order. */
  s3Requests: S3Seen[]
  /** Runs a command inside the namespace with exactly `env` (and PATH); never rejects. */
  run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>
  close(): Promise<void>
}

/** Why this process cannot make the namespace (it must be root, with iproute2), or undefined. */
export function whyNoAwsBox(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: the AWS emulation needs a network namespace of its own'
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' })
  } catch {
    return 'no `ip netns` (iproute2): the AWS emulation needs a network namespace of its own'
  }
  return undefined
}

function makeCertificates(dir: string): { caFile: string; key: Buffer; cert: Buffer } {
  const file = (name: string): string => path.join(dir, name)
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' })
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=s3fs-native test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-keyout', file('ca.key'), '-out', file('ca.pem'))
  const names = AWS_HOSTS.map((host) => `DNS:${host}`).join(',')
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=amazonaws.com', '-addext', `subjectAltName=${names}`, '-keyout', file('server.key'), '-out', file('server.csr'))
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-copy_extensions', 'copy', '-out', file('server.pem'))
  return { caFile: file('ca.pem'), key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) }
}

function s3Error(response: http.ServerResponse, status: number, headers: Record<string, string>, code: string, message: string, method: string): void {
  const body = method === 'HEAD' ? '' : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>aws-box</RequestId></Error>`
  response.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'aws-box', 'Content-Length': Buffer.byteLength(body), ...headers })
  response.end(body)
}

/**
 * AWS in a box: a network namespace where AWS's own host names and addresses lead to local
 * servers, so that the library runs its default code paths, with no endpoint override:
 * - 169.254.169.254:80 is IMDSv2, 169.254.170.2 and 169.254.170.23 the ECS and EKS container endpoints;
 * - s3.REGION.amazonaws.com and BUCKET.s3.REGION.amazonaws.com (virtual-hosted) are a MinIO per
 *   region, behind a TLS front that answers a request for a bucket of another region as S3 does
 *   (301 PermanentRedirect with x-amz-bucket-region);
 * - sts[.REGION].amazonaws.com is STS and portal.sso.REGION.amazonaws.com the SSO portal.
 * The names resolve through the namespace's own /etc/hosts (`ip netns exec` mounts
 * /etc/netns/NAME/hosts); every certificate comes from a test CA handed over by AWS_CA_BUNDLE.
 * The servers run in this process, on Unix sockets; a forwarder inside the namespace carries
 * connections to them.
 */
export async function startAwsBox(): Promise<AwsBox> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-box-'))
  const name = `s3fs-box-${process.pid}-${randomBytes(3).toString('hex')}`
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })]
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
  try {
    const { caFile, key, cert } = makeCertificates(dir)
    const rootCredentials = { accessKeyId: `box${randomBytes(6).toString('hex')}`, secretAccessKey: randomBytes(20).toString('hex') }
    const servers: Record<string, MinioServer> = {}
    for (const [bucket, region] of Object.entries(BUCKET_REGIONS)) {
      servers[region] = await startMinio([bucket], { region, domain: s3Hosts(region).join(','), credentials: rootCredentials })
      cleanups.push(() => servers[region]!.stop())
    }
    const identity = await startIdentityServices(servers[HOME_REGION]!)
    cleanups.push(() => identity.close())

    const s3Requests: S3Seen[] = []
    const agent = new http.Agent({ keepAlive: true })
    cleanups.push(() => agent.destroy())
    const front = (request: http.IncomingMessage, response: http.ServerResponse): void => {
      const host = String(request.headers.host ?? '').replace(/:\d+$/, '')
      const s3 = /^(?:([a-z0-9.-]+?)\.)?s3(?:-fips)?(?:\.dualstack)?\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)
      if (!s3) return identity.serve(request, response)
      const hostRegion = s3[2]!
      const bucket = s3[1] ?? decodeURIComponent((request.url ?? '/').split(/[/?]/)[1] ?? '')
      const signedFor = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? ''
      const home = BUCKET_REGIONS[bucket]
      const seen: S3Seen = { host, signedFor, status: 0 }
      s3Requests.push(seen)
      const accessKeyId = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1]
      if (accessKeyId !== undefined && identity.expired(accessKeyId)) {
        seen.status = 400
        request.resume()
        request.on('end', () => s3Error(response, 400, {}, 'ExpiredToken', 'The provided token has expired.', request.method ?? 'GET'))
        return
      }
      if (home !== undefined && home !== hostRegion) {
        seen.status = 301
        request.resume()
        request.on('end', () => s3Error(response, 301, { 'x-amz-bucket-region': home }, 'PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint.', request.method ?? 'GET'))
        return
      }
      const server = servers[hostRegion]
      if (server === undefined) {
        seen.status = 404
        request.resume()
        return s3Error(response, 404, {}, 'NoSuchBucket', 'no S3 in this region', request.method ?? 'GET')
      }
      const upstream = http.request({ host: '127.0.0.1', port: server.port, method: request.method, path: request.url, headers: request.headers, agent }, (answer) => {
        seen.status = answer.statusCode ?? 0
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        answer.pipe(response)
      })
      upstream.on('error', () => response.destroy())
      request.pipe(upstream)
    }

    const listen = async (server: http.Server, socket: string): Promise<void> => {
      await new Promise<void>((resolve) => server.listen(socket, resolve))
      cleanups.push(() => new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }))
    }
    const sockets = { imds: path.join(dir, 'imds.sock'), container: path.join(dir, 'container.sock'), front: path.join(dir, 'front.sock') }
    await listen(http.createServer(identity.serve), sockets.imds)
    await listen(
      http.createServer((request, response) => {
        // ECS's relative URIs and EKS Pod Identity's /v1/credentials: the one container endpoint. The
        // ECS agent knows its callers by their network (no token); Pod Identity asks for the token.
        if (request.url?.startsWith('/v2/credentials/')) request.headers.authorization = identity.token
        request.url = '/container'
        identity.serve(request, response)
      }),
      sockets.container,
    )
    await listen(https.createServer({ key, cert }, front), sockets.front)

    execFileSync('ip', ['netns', 'add', name])
    cleanups.push(() => void execFileSync('ip', ['netns', 'delete', name]))
    execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up'])
    for (const address of ['169.254.169.254', '169.254.170.2', '169.254.170.23', AWS_ADDRESS]) execFileSync('ip', ['-n', name, 'addr', 'add', `${address}/32`, 'dev', 'lo'])
    const hostsDir = path.join('/etc/netns', name)
    mkdirSync(hostsDir, { recursive: true })
    cleanups.push(() => rmSync(hostsDir, { recursive: true, force: true }))
    writeFileSync(path.join(hostsDir, 'hosts'), `127.0.0.1 localhost\n${AWS_HOSTS.map((host) => `${AWS_ADDRESS} ${host}`).join('\n')}\n`)

    const forwarderScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'box-forwarder.mjs')
    const routes = [
      ['169.254.169.254', 80, sockets.imds],
      ['169.254.170.2', 80, sockets.container],
      ['169.254.170.23', 80, sockets.container],
      [AWS_ADDRESS, 443, sockets.front],
    ]
    const forwarder: ChildProcess = spawn('ip', ['netns', 'exec', name, process.execPath, forwarderScript, JSON.stringify(routes)], { stdio: ['ignore', 'pipe', 'inherit'] })
    cleanups.push(() => new Promise<void>((resolve) => {
      if (forwarder.exitCode !== null) return resolve()
      forwarder.once('exit', () => resolve())
      forwarder.kill()
    }))
    await new Promise<void>((resolve, reject) => {
      forwarder.stdout!.once('data', () => resolve())
      forwarder.once('exit', (code) => reject(new Error(`the namespace's forwarder exited with ${code}`)))
    })

    const run = (command: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn('ip', ['netns', 'exec', name, command, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
      })

    return { rootCredentials, caFile, identity, s3Requests, run, close }
  } catch (error) {
    await close()
    throw error
  }
}
