import http from 'node:http'
import type net from 'node:net'
import { Transform } from 'node:stream'

/**
 * What the proxy does to a faulted request:
 * - `reset-request`: resets the connection while the request arrives; the server never sees it;
 * - `reset-response`: the server handles the request, the client gets a reset after part of the answer;
 * - `cut-body`: the server handles it, the client gets the headers and half the body, then a clean close;
 * - `stall`: the server handles it, the client gets nothing until the connection closes, `stallMs` later;
 * - `latency`: the answer arrives `latencyMs` late (not a fault: everything should succeed);
 * - `slow-down` / `internal-error`: S3's 503 SlowDown or 500 InternalError, without forwarding;
 * - `refuse`: a new connection is reset as it opens, before any request;
 * - `hold`: the request reaches the server only once `hold()` has settled (not a fault: the test
 *   changes the server's state in between);
 * - `corrupt-request` / `corrupt-response`: one byte in the middle of the request's body (on its way
 *   to the server) or of the answer's body (on its way back) is flipped, and nothing else changes;
 * - `refuse-checksums`: a request carrying S3 checksum headers is answered as servers without
 *   checksum support answer it (`refusalStatus` 400 InvalidArgument, or 501 NotImplemented), without
 *   forwarding; others pass.
 * - `ignore-checksums`: as a server that accepts S3 checksum headers and ignores them answers: every
 *   request is forwarded, and no answer names a checksum (x-amz-checksum-*); the faults counted are
 *   the requests that carried one.
 * - `uncopyable-markers`: a CopyObject whose source is a `dir/` marker is answered 404 NoSuchKey, as
 *   SeaweedFS answers it (it keeps markers as directories), without forwarding; others pass.
 * - `require-batch-delete-md5`: DeleteObjects without a Content-MD5 is answered 400 InvalidRequest,
 *   as servers that require it answer, without forwarding; others pass.
 * - `access-denied`: every request `matches` accepts is answered 403 AccessDenied, as a bucket
 *   policy that denies some keys or actions answers, without forwarding; others pass.
 * - `withheld-body`: every ranged GET is answered with the server's status and headers, and then
 *   nothing: a body promised and never sent, as s3rver answers a range of an empty object (206 with
 *   Content-Length: 1); the connection stays open. Others pass.
 * - `refuse-list-parts`: ListParts (`GET ?uploadId=`) is answered 405 MethodNotAllowed, as s3rver
 *   answers it, without forwarding; other requests pass.
 * - `refuse-batch-delete`: DeleteObjects (`POST ?delete`) is answered 501 NotImplemented, as GCS's
 *   XML API answers it, without forwarding; other requests pass.
 * - `no-request-id`: every answer without its request id (x-amz-request-id, x-amz-id-2) and every
 *   refusal typed application/xml, a HEAD's too, as s3rver answers: a HEAD's refusal then says it is
 *   S3's by its content type alone.
 * - `amzn-request-id`: every answer names its request id as moto does, `x-amzn-requestid`, not
 *   `x-amz-request-id` (both are AWS's); not a fault: everything should behave as before.
 * - `expired-token`: every request `matches` accepts (its retries too) is answered as S3 answers keys
 *   past their expiry, 400 ExpiredToken, without forwarding: the test decides which keys are revoked.
 */
export type FaultKind =
  | 'reset-request'
  | 'reset-response'
  | 'cut-body'
  | 'stall'
  | 'latency'
  | 'slow-down'
  | 'internal-error'
  | 'refuse'
  | 'hold'
  | 'corrupt-request'
  | 'corrupt-response'
  | 'refuse-checksums'
  | 'ignore-checksums'
  | 'expired-token'
  | 'access-denied'
  | 'amzn-request-id'
  | 'no-request-id'
  | 'refuse-batch-delete'
  | 'refuse-list-parts'
  | 'withheld-body'
  | 'uncopyable-markers'
  | 'require-batch-delete-md5'

export interface FaultPlan {
  kind: FaultKind
  /** Fault the first request (or connection, for `refuse`) and then one in this many; the others pass untouched. */
  every: number
  /** Only requests this accepts count (default: all). */
  matches?: (method: string, url: string, headers: http.IncomingHttpHeaders) => boolean
  stallMs?: number
  latencyMs?: number
  refusalStatus?: 400 | 501
  hold?: () => Promise<void>
}

export interface FaultProxy {
  endpoint: string
  /** Requests (or connections, for `refuse`) faulted so far. */
  readonly faults: number
  /** Changes the plan for the requests that follow; undefined passes everything. */
  setPlan(plan: FaultPlan | undefined): void
  close(): Promise<void>
}

/** Passes a body of `length` bytes through with the bit pattern of its middle byte inverted. */
function flippingMiddleByte(length: number): Transform {
  const target = Math.floor(length / 2)
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (target >= seen && target < seen + chunk.length) {
        chunk = Buffer.from(chunk)
        chunk[target - seen] = chunk[target - seen]! ^ 0xff
      }
      seen += chunk.length
      done(null, chunk)
    },
  })
}

/** Raw headers with the request id renamed as moto names it. */
function withAmznRequestId(rawHeaders: string[]): string[] {
  return rawHeaders.map((value, i) => (i % 2 === 0 && value.toLowerCase() === 'x-amz-request-id' ? 'x-amzn-RequestId' : value))
}

/** Raw headers as s3rver sends them: no request ids, and a refusal typed as XML. */
function asS3rverHeaders(rawHeaders: string[], status: number): string[] {
  const kept: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase()
    if (name === 'x-amz-request-id' || name === 'x-amz-id-2' || (status >= 400 && name === 'content-type')) continue
    kept.push(rawHeaders[i]!, rawHeaders[i + 1]!)
  }
  return status >= 400 ? [...kept, 'Content-Type', 'application/xml'] : kept
}

/** Raw headers (name, value, name, value, ...) without those that name a checksum. */
function withoutChecksums(rawHeaders: string[]): string[] {
  const kept: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!rawHeaders[i]!.toLowerCase().startsWith('x-amz-checksum-')) kept.push(rawHeaders[i]!, rawHeaders[i + 1]!)
  }
  return kept
}

function s3Error(status: number, code: string, message: string): { status: number; body: string } {
  return { status, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>` }
}

/** The S3 error a counted fault answers with, without forwarding. */
function faultAnswer(kind: 'refuse-checksums' | 'slow-down' | 'internal-error', refusalStatus: 400 | 501 | undefined): { status: number; body: string } {
  if (kind === 'slow-down') return s3Error(503, 'SlowDown', 'Please reduce your request rate.')
  if (kind === 'internal-error') return s3Error(500, 'InternalError', 'We encountered an internal error.')
  return refusalStatus === 501
    ? s3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented.')
    : s3Error(400, 'InvalidArgument', 'x-amz-checksum-* headers are not supported.')
}

const BATCH_DELETE = /[?&]delete(=|&|$)/
/** Kinds that answer as another server does, request by request, rather than fault one request in N. */
const DIALECTS = new Set<FaultKind>(['expired-token', 'access-denied', 'refuse-batch-delete', 'refuse-list-parts', 'withheld-body', 'uncopyable-markers', 'require-batch-delete-md5'])

/** How a server of another dialect refuses this request, if it does: every such request, its retries too. */
function dialectRefusal(plan: FaultPlan | undefined, request: http.IncomingMessage): { status: number; body: string } | undefined {
  const method = request.method ?? ''
  const url = request.url ?? ''
  switch (plan?.kind) {
    case 'expired-token':
      return plan.matches?.(method, url, request.headers) ? s3Error(400, 'ExpiredToken', 'The provided token has expired.') : undefined
    case 'access-denied':
      return plan.matches?.(method, url, request.headers) ? s3Error(403, 'AccessDenied', 'Access Denied') : undefined
    case 'uncopyable-markers': {
      const source = decodeURIComponent(String(request.headers['x-amz-copy-source'] ?? '').split('?')[0]!)
      return method === 'PUT' && source.endsWith('/') ? s3Error(404, 'NoSuchKey', 'The specified key does not exist.') : undefined
    }
    case 'require-batch-delete-md5':
      return method === 'POST' && BATCH_DELETE.test(url) && request.headers['content-md5'] === undefined
        ? s3Error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5')
        : undefined
    case 'refuse-batch-delete':
      return method === 'POST' && BATCH_DELETE.test(url)
        ? s3Error(501, 'NotImplemented', 'A header or query you provided requested a function that is not implemented.')
        : undefined
    case 'refuse-list-parts':
      return method === 'GET' && /[?&]uploadId=/.test(url)
        ? s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
        : undefined
    default:
      return undefined
  }
}

/**
 * A loopback HTTP proxy in front of the test server that injects the faults a real network and a
 * busy S3 produce, one request in N, deterministically (a counter, no randomness); the retry of a
 * faulted request passes.
 */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  let plan: FaultPlan | undefined
  let counted = 0
  let faults = 0
  const sockets = new Set<net.Socket>()
  const upstreamAgent = new http.Agent({ keepAlive: true })

  // Requests faulted and not yet seen again: the retry of a faulted request always passes, so a
  // call fails only if its client gives up (a counter alone can line a request's retries up with it).
  const awaitingRetry = new Set<string>()
  const due = (method: string, url: string, headers: http.IncomingHttpHeaders = {}): boolean => {
    if (plan === undefined || (plan.matches && !plan.matches(method, url, headers))) return false
    const request = `${method} ${url}`
    if (awaitingRetry.delete(request)) return false
    // The first request, then one in N: a call of a single request is faulted too.
    if (counted++ % plan.every !== 0) return false
    if (method !== 'CONNECT') awaitingRetry.add(request)
    faults++
    return true
  }

  const server = http.createServer((request, response) => {
    const current = plan
    // What declares or carries an upload's checksum; asking for a stored one (x-amz-checksum-mode) is not that.
    const carriesChecksum = Object.keys(request.headers).some(
      (name) => (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-mode') || name === 'x-amz-sdk-checksum-algorithm',
    )
    const eligible = (current?.kind !== 'refuse-checksums' && current?.kind !== 'ignore-checksums') || carriesChecksum
    const faulted = current !== undefined && current.kind !== 'refuse' && !DIALECTS.has(current.kind) && eligible && due(request.method ?? '', request.url ?? '', request.headers)
    const kind = faulted ? current.kind : undefined
    const socket = request.socket

    // A fault of these kinds was counted as it was chosen; a dialect's refusal is counted here.
    const dialect = dialectRefusal(current, request)
    if (dialect !== undefined) faults++
    const refusal = kind === 'refuse-checksums' || kind === 'slow-down' || kind === 'internal-error' ? faultAnswer(kind, current?.refusalStatus) : dialect
    if (refusal !== undefined) {
      request.resume()
      request.on('end', () => {
        response.writeHead(refusal.status, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'fault-proxy', 'Content-Length': Buffer.byteLength(refusal.body) })
        response.end(refusal.body)
      })
      return
    }
    if (kind === 'reset-request') {
      socket.resetAndDestroy()
      return
    }

    const headers = { ...request.headers }
    delete headers.expect
    delete headers.connection
    const send = (): void => {
      const upstream = http.request(
        { host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers, agent: upstreamAgent },
        (answer) => {
          const forward = (): void => {
            if (current?.kind === 'withheld-body' && request.method === 'GET' && request.headers.range !== undefined) {
              faults++
              response.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
              response.flushHeaders()
              answer.resume()
              return
            }
            if (kind === 'stall') {
              answer.resume()
              setTimeout(() => socket.destroy(), current?.stallMs ?? 10_000).unref()
              return
            }
            if (kind === 'reset-response' || kind === 'cut-body') {
              // Half the body when there is one to cut; an answer without a body is lost whole (its
              // headers alone would be a complete answer).
              let budget = Math.floor(Number(answer.headers['content-length'] ?? 0) / 2)
              if (budget > 0) {
                response.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
                response.flushHeaders()
              }
              answer.on('data', (chunk: Buffer) => {
                if (budget <= 0) return
                const piece = chunk.subarray(0, budget)
                budget -= piece.length
                response.write(piece)
              })
              answer.on('end', () => {
                setImmediate(() => (kind === 'reset-response' ? socket.resetAndDestroy() : socket.destroy()))
              })
              return
            }
            const headers =
              current?.kind === 'ignore-checksums'
                ? withoutChecksums(answer.rawHeaders)
                : current?.kind === 'amzn-request-id'
                  ? withAmznRequestId(answer.rawHeaders)
                  : current?.kind === 'no-request-id'
                    ? asS3rverHeaders(answer.rawHeaders, answer.statusCode ?? 502)
                    : answer.rawHeaders
            response.writeHead(answer.statusCode ?? 502, headers)
            if (kind === 'corrupt-response') answer.pipe(flippingMiddleByte(Number(answer.headers['content-length'] ?? 0))).pipe(response)
            else answer.pipe(response)
          }
          if (kind === 'latency') setTimeout(forward, current?.latencyMs ?? 200)
          else forward()
        },
      )
      upstream.on('error', () => socket.destroy())
      if (kind === 'corrupt-request') request.pipe(flippingMiddleByte(Number(request.headers['content-length'] ?? 0))).pipe(upstream)
      else request.pipe(upstream)
    }
    if (kind === 'hold' && current?.hold) {
      request.pause()
      current.hold().then(send, () => socket.destroy())
    } else {
      send()
    }
  })
  server.keepAliveTimeout = 30_000
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    if (plan?.kind === 'refuse' && due('CONNECT', '')) socket.resetAndDestroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get faults() {
      return faults
    },
    setPlan(next) {
      plan = next
      counted = 0
      awaitingRetry.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        upstreamAgent.destroy()
        server.close(() => resolve())
      }),
  }
}
