import { abortError, codeForS3Error, errorFromStatus, S3FsError } from '../errors.js'

interface SdkError {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number; requestId?: string }
  /** The raw answer, which the SDK attaches to every error it deserialized. */
  $response?: { headers?: Record<string, string | undefined> }
}

/** Whether an answer is of the XML type S3's error documents have. */
function isXmlAnswer(e: SdkError): boolean {
  return /xml/.test(e.$response?.headers?.['content-type'] ?? '')
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'ECONNREFUSED',
  ECONNRESET: 'ECONNRESET',
  EPIPE: 'ECONNRESET',
  ENOTFOUND: 'ENOTFOUND',
  EAI_AGAIN: 'ENOTFOUND',
  ENETUNREACH: 'ENETUNREACH',
  EHOSTUNREACH: 'ENETUNREACH',
  ETIMEDOUT: 'ETIMEDOUT',
  ECONNABORTED: 'ETIMEDOUT',
  EPROTO: 'EPROTO',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'EPROTO',
  SELF_SIGNED_CERT_IN_CHAIN: 'EPROTO',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'EPROTO',
  CERT_HAS_EXPIRED: 'EPROTO',
  ERR_TLS_CERT_ALTNAME_INVALID: 'EPROTO',
}

/**
 * Names the SDK gives failures whose response had no S3 error code: HTTP statuses (HEAD has no
 * body), and `Error` for a body that is not XML at all.
 */
const STATUS_NAMES = new Set(['NotFound', 'Forbidden', 'BadRequest', 'Unknown', 'PreconditionFailed', 'RequestTimeout', 'Error'])

/**
 * An @aws-sdk/client-s3 failure as the native engine reports the same failure: the same code, S3
 * code, HTTP status and message shape, and never a secret (the SDK's messages carry none).
 */
export function errorFromSdk(error: unknown, op: string, url: string, endpoint: string): S3FsError {
  if (error instanceof S3FsError) return error
  const e = (error ?? {}) as SdkError
  if (e.name === 'AbortError') return abortError(op, url, error)
  if (e.name === 'CredentialsProviderError') return errorFromStatus({ code: 'ECREDENTIALS', message: e.message ?? '' }, op, url)
  const status = e.$metadata?.httpStatusCode
  if (status === undefined || status === 0) {
    // The SDK names a reset connection TimeoutError (it retries both); the socket's code tells which.
    const code = (e.code && NETWORK_CODES[e.code]) ?? (e.name === 'TimeoutError' ? 'ETIMEDOUT' : 'EIO')
    return new S3FsError(code, `${e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}`, { op, url })
  }
  const s3Code = e.name !== undefined && !STATUS_NAMES.has(e.name) ? e.name : undefined
  if (status >= 400 && status < 500 && e.$metadata?.requestId === undefined && s3Code === undefined && !isXmlAnswer(e)) {
    // A refusal is S3's when it says so as S3 does: a request id (the SDK reads x-amz-request-id and
    // x-amzn-requestid), or an S3 error document naming its Code, or the XML type of that document,
    // which an answer to a HEAD keeps without the document (s3rver sends no request id). Any other
    // comes from a server that does not speak S3 as configured (plain http to a TLS port, or not an
    // S3 server at all), and must not read as a missing key. binding/ops/operation.cc decides alike.
    const detail = `the endpoint at ${endpoint} did not answer as S3 (HTTP ${status} without a request id or an S3 error; are S3_ENDPOINT and its scheme, or S3_USE_HTTPS, right?)`
    return new S3FsError('EPROTO', detail, { op, url, httpStatus: status })
  }
  if (status === 412) {
    return new S3FsError('ESTALE', `HTTP 412 PreconditionFailed: ${e.message ?? ''}`, { op, url, s3Code: 'PreconditionFailed', httpStatus: status })
  }
  const detail = `HTTP ${status}${s3Code ? ` ${s3Code}` : ''}${s3Code && e.message ? `: ${e.message}` : ''}`
  const context = { op, url, httpStatus: status, ...(s3Code ? { s3Code } : {}) }
  return new S3FsError(codeForS3Error(s3Code, status), detail, context)
}
