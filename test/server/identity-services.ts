import http from 'node:http'
import type net from 'node:net'

import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts'

import { withoutNodeVersionWarning } from '../../lib/js/client.js'

export interface IssuedCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

/** Who handed out credentials, and how often: each source the tests emulate. */
export type IdentitySource = 'imds' | 'container' | 'sts-web-identity' | 'sts-assume-role' | 'sso'

export interface IdentityServices {
  /** http://127.0.0.1:port: IMDSv2 at /latest/..., STS at /, SSO at /federation/credentials, the container endpoint at /container. */
  endpoint: string
  /** The bearer token the container endpoint and the SSO portal require, and the web identity token STS accepts. */
  readonly token: string
  readonly calls: Record<IdentitySource, number>
  /** Real temporary credentials of the S3 server, as every source hands them out. */
  mint(): Promise<IssuedCredentials>
  /**
   * From now on, credentials say they expire this long after they are handed out (undefined: MinIO's
   * 15 minutes), and `expired` says so of them once they have.
   */
  setLifetime(ms: number | undefined): void
  /** Whether these keys were handed out with a lifetime that has run out: S3 must refuse them. */
  expired(accessKeyId: string): boolean
  /** Answers one request, wherever it arrived (the AWS emulation routes to it by host name). */
  serve(request: http.IncomingMessage, response: http.ServerResponse): void
  close(): Promise<void>
}

const ROLE_NAME = 's3fs-test-role'

function xmlCredentials(action: string, c: IssuedCredentials): string {
  return (
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result><Credentials>` +
    `<AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${c.sessionToken}</SessionToken><Expiration>${c.expiration.toISOString()}</Expiration>` +
    `</Credentials>${action === 'AssumeRoleWithWebIdentity' ? '<SubjectFromWebIdentityToken>s3fs-test</SubjectFromWebIdentityToken>' : ''}` +
    `<AssumedRoleUser><Arn>arn:aws:sts::000000000000:assumed-role/${ROLE_NAME}/s3fs</Arn><AssumedRoleId>AROA000000000000:s3fs</AssumedRoleId></AssumedRoleUser>` +
    `</${action}Result><ResponseMetadata><RequestId>identity-services</RequestId></ResponseMetadata></${action}Response>`
  )
}

/**
 * The identity services a job on AWS gets its credentials from (the EC2 instance metadata service,
 * the ECS/EKS container endpoint, STS, the SSO portal), on loopback, answering as AWS does with
 * real temporary credentials minted by the S3 server's own STS (MinIO's AssumeRole).
 */
export async function startIdentityServices(s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }): Promise<IdentityServices> {
  const sts = withoutNodeVersionWarning(
    () => new STSClient({ region: s3.region, endpoint: s3.endpoint, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }),
  )
  const token = `identity-token-${process.pid}-${Date.now()}`
  const imdsTokens = new Set<string>()
  const calls: Record<IdentitySource, number> = { imds: 0, container: 0, 'sts-web-identity': 0, 'sts-assume-role': 0, sso: 0 }

  let lifetimeMs: number | undefined
  const expiries = new Map<string, number>()
  const mint = async (): Promise<IssuedCredentials> => {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::000000000000:role/${ROLE_NAME}`, RoleSessionName: 's3fs', DurationSeconds: 900 }))
    const expiration = lifetimeMs === undefined ? c!.Expiration! : new Date(Date.now() + lifetimeMs)
    if (lifetimeMs !== undefined) expiries.set(c!.AccessKeyId!, expiration.getTime())
    return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken!, expiration }
  }

  const answer = (response: http.ServerResponse, status: number, body: string, type = 'text/plain'): void => {
    response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) })
    response.end(body)
  }

  const handle = async (request: http.IncomingMessage, body: string, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const method = request.method ?? 'GET'

    // IMDSv2: a session token first, then the role's name, then its credentials.
    if (url.pathname === '/latest/api/token' && method === 'PUT') {
      const session = `imds-session-${imdsTokens.size}`
      imdsTokens.add(session)
      return answer(response, 200, session)
    }
    if (url.pathname.startsWith('/latest/')) {
      if (!imdsTokens.has(String(request.headers['x-aws-ec2-metadata-token'] ?? ''))) return answer(response, 401, '')
      if (url.pathname === '/latest/meta-data/iam/security-credentials/') return answer(response, 200, ROLE_NAME)
      if (url.pathname === `/latest/meta-data/iam/security-credentials/${ROLE_NAME}`) {
        calls.imds++
        const c = await mint()
        const document = { Code: 'Success', LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC', AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: c.expiration.toISOString() }
        return answer(response, 200, JSON.stringify(document), 'application/json')
      }
      return answer(response, 404, '')
    }

    // The ECS task role and EKS Pod Identity endpoint: the token in Authorization.
    if (url.pathname === '/container') {
      if (request.headers.authorization !== token) return answer(response, 401, '{"message":"bad token"}', 'application/json')
      calls.container++
      const c = await mint()
      const document = { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: c.expiration.toISOString() }
      return answer(response, 200, JSON.stringify(document), 'application/json')
    }

    // The SSO portal's GetRoleCredentials.
    if (url.pathname === '/federation/credentials') {
      if (request.headers['x-amz-sso_bearer_token'] !== token) return answer(response, 401, '{"message":"Session token not found or invalid"}', 'application/json')
      calls.sso++
      const c = await mint()
      const document = { roleCredentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration.getTime() } }
      return answer(response, 200, JSON.stringify(document), 'application/json')
    }

    // STS, in its query protocol.
    const form = new URLSearchParams(body)
    const action = form.get('Action') ?? url.searchParams.get('Action')
    if (action === 'AssumeRoleWithWebIdentity') {
      if (form.get('WebIdentityToken') !== token || !form.get('RoleArn')) return answer(response, 403, '<ErrorResponse><Error><Code>InvalidIdentityToken</Code></Error></ErrorResponse>', 'text/xml')
      calls['sts-web-identity']++
      return answer(response, 200, xmlCredentials(action, await mint()), 'text/xml')
    }
    if (action === 'AssumeRole') {
      if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return answer(response, 403, '<ErrorResponse><Error><Code>MissingAuthenticationToken</Code></Error></ErrorResponse>', 'text/xml')
      calls['sts-assume-role']++
      return answer(response, 200, xmlCredentials(action, await mint()), 'text/xml')
    }
    return answer(response, 404, '')
  }

  const serve = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      handle(request, Buffer.concat(chunks).toString(), response).catch((error: unknown) => answer(response, 500, String(error)))
    })
  }
  const server = http.createServer(serve)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    token,
    calls,
    mint,
    setLifetime: (ms) => {
      lifetimeMs = ms
    },
    expired: (accessKeyId) => Date.now() >= (expiries.get(accessKeyId) ?? Infinity),
    serve,
    close: () =>
      new Promise<void>((resolve) => {
        sts.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
