import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'

import { S3Client, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { BuildMiddleware, HttpRequest } from '@smithy/types'

import type { ResolvedConfig } from '../config.js'
import { configuredHeaders, type ResolvedRequestOptions } from '../request-options.js'

/**
 * An S3Client configured as a careful user would, from the same resolved configuration as the
 * native engine: the same endpoint and addressing style, checksums only when required, a keep-alive agent
 * with enough sockets, the same credentials (static keys, or the one cached provider the native
 * engine would ask too).
 */
export function createS3Client(config: ResolvedConfig): S3Client {
  const custom = config.endpointHost !== ''
  const scheme = config.useHttps ? 'https' : 'http'
  const port = config.endpointPort !== 0 ? `:${config.endpointPort}` : ''
  const agentOptions = { keepAlive: true, maxSockets: config.poolConnections, keepAliveMsecs: 60_000 }
  const agent = config.useHttps
    ? new https.Agent({
        ...agentOptions,
        rejectUnauthorized: config.verifySsl,
        ...(config.caFile !== '' ? { ca: readFileSync(config.caFile) } : {}),
      })
    : new http.Agent(agentOptions)

  const client = withoutNodeVersionWarning(() => new S3Client({
    region: config.region,
    // The endpoint is resolved from the filesystem's configuration (lib/config.ts), as for the native
    // engine; the SDK reading AWS_ENDPOINT_URL from the process on its own could reach another server.
    ignoreConfiguredEndpointUrls: true,
    ...(custom
      ? { endpoint: `${scheme}://${config.endpointHost}${port}` }
      : { useDualstackEndpoint: config.useDualstack, useFipsEndpoint: config.useFips }),
    forcePathStyle: config.addressingStyle === 'path' || (custom && config.addressingStyle === 'auto'),
    // Unsigned requests: a signer that leaves the request as it is; the credentials go unused.
    credentials: config.credentials ?? config.credentialsProvider?.get ?? { accessKeyId: '', secretAccessKey: '' },
    ...(config.unsignedRequests ? { signer: { sign: async (request) => request } } : {}),
    maxAttempts: config.maxRetries + 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent: config.useHttps ? undefined : (agent as http.Agent),
      httpsAgent: config.useHttps ? (agent as https.Agent) : undefined,
      connectionTimeout: config.connectTimeoutMs,
      // S3_REQUEST_TIMEOUT_MSEC means no progress for that long, as in the native engine: an idle socket.
      ...(config.requestTimeoutMs > 0 ? { socketTimeout: config.requestTimeoutMs } : {}),
    }),
  }))
  client.middlewareStack.add(withConfiguredHeaders(config), { step: 'build', name: 's3fsConfiguredHeaders' })
  client.middlewareStack.add(withBatchDeleteMd5(), { step: 'build', name: 's3fsBatchDeleteMd5' })
  return client
}

/**
 * DeleteObjects with a Content-MD5, as the native engine and the plugin send it: current SDKs send
 * only a CRC32, which servers that require Content-MD5 for batch deletes (as S3 once did) refuse.
 */
function withBatchDeleteMd5(): BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  return (next) => async (args) => {
    const request = args.request as HttpRequest
    const body: unknown = request.body
    if (request.method === 'POST' && request.query?.delete !== undefined && (typeof body === 'string' || body instanceof Uint8Array)) {
      request.headers['content-md5'] = createHash('md5').update(body).digest('base64')
    }
    return next(args)
  }
}

/** Adds what the configuration asks each request to carry (lib/request-options.ts), before signing. */
function withConfiguredHeaders(options: ResolvedRequestOptions): BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  return (next) => async (args) => {
    const request = args.request as HttpRequest
    const input = args.input as { Key?: string }
    // The SDK names its operation in an x-id parameter; S3 ignores it, and so does the request's shape.
    const queryNames = Object.keys(request.query ?? {}).filter((name) => name !== 'x-id')
    Object.assign(
      request.headers,
      configuredHeaders(options, { method: request.method, key: input.Key ?? '', queryNames, isCopy: request.headers['x-amz-copy-source'] !== undefined }),
    )
    return next(args)
  }
}

/**
 * The SDK warns on Node 20 that its releases after January 2027 will need Node 22. The version
 * this package depends on supports Node 20, which `engines` allows, so the warning is noise for our
 * users: it is turned off while our client is made (the SDK checks once, at construction), leaving
 * the user's environment as it was.
 */
export function withoutNodeVersionWarning<T>(make: () => T): T {
  const name = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'
  const before = process.env[name]
  process.env[name] = 'true'
  try {
    return make()
  } finally {
    if (before === undefined) delete process.env[name]
    else process.env[name] = before
  }
}
