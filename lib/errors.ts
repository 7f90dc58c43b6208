/** What a backend reports when an operation fails: no URL, no secret. */
export interface FailureStatus {
  code: string
  message: string
  s3Code?: string
  httpStatus?: number
}

export interface ErrorContext {
  op: string
  url: string
  s3Code?: string
  httpStatus?: number
  cause?: unknown
}

/**
 * Every error this library raises. `code` is a stable Node-style code (ENOENT, EACCES, ENOTEMPTY,
 * EINVAL, ETIMEDOUT, ECONNREFUSED, ECREDENTIALS, ESTALE, ABORT_ERR, …); `s3Code` and `httpStatus`
 * are the server's, when it gave them; the message names the operation and the URL.
 */
export class S3FsError extends Error {
  readonly code: string
  readonly syscall: string
  readonly url: string
  declare readonly s3Code?: string
  declare readonly httpStatus?: number

  constructor(code: string, detail: string, context: ErrorContext) {
    super(`${code}: ${detail}, ${context.op} '${context.url}'`, context.cause === undefined ? undefined : { cause: context.cause })
    this.name = code === 'ABORT_ERR' ? 'AbortError' : 'S3FsError'
    this.code = code
    this.syscall = context.op
    this.url = context.url
    if (context.s3Code !== undefined) this.s3Code = context.s3Code
    if (context.httpStatus !== undefined) this.httpStatus = context.httpStatus
  }
}

const CODES_BY_S3_CODE: Record<string, string> = {
  NoSuchKey: 'ENOENT',
  NoSuchBucket: 'ENOENT',
  NoSuchUpload: 'ENOENT',
  NotFound: 'ENOENT',
  AccessDenied: 'EACCES',
  InvalidAccessKeyId: 'EACCES',
  SignatureDoesNotMatch: 'EACCES',
  ExpiredToken: 'EACCES',
  InvalidToken: 'EACCES',
  AllAccessDisabled: 'EACCES',
  PreconditionFailed: 'ESTALE',
  InvalidRange: 'ERANGE',
  BucketNotEmpty: 'ENOTEMPTY',
  BucketAlreadyExists: 'EEXIST',
  BucketAlreadyOwnedByYou: 'EEXIST',
  EntityTooLarge: 'EFBIG',
  KeyTooLongError: 'ENAMETOOLONG',
  XMinioInvalidObjectName: 'EINVAL',
  InvalidArgument: 'EINVAL',
  InvalidRequest: 'EINVAL',
  InvalidBucketName: 'EINVAL',
  SlowDown: 'EBUSY',
  ServiceUnavailable: 'EBUSY',
  RequestTimeout: 'ETIMEDOUT',
  // The bytes the server received are not the bytes whose checksum was sent.
  BadDigest: 'EBADMSG',
  InvalidDigest: 'EBADMSG',
  XAmzContentChecksumMismatch: 'EBADMSG',
  XAmzContentSHA256Mismatch: 'EBADMSG',
}

const CODES_BY_HTTP_STATUS: Record<number, string> = {
  400: 'EINVAL',
  401: 'EACCES',
  403: 'EACCES',
  404: 'ENOENT',
  409: 'EEXIST',
  412: 'ESTALE',
  416: 'ERANGE',
  429: 'EBUSY',
  503: 'EBUSY',
}

/**
 * S3 error codes and HTTP statuses to Node-style codes, on the JS side. The native engine's
 * binding/engine/status.cc holds the same table; the conformance suite keeps them in agreement.
 */
export function codeForS3Error(s3Code: string | undefined, httpStatus: number | undefined): string {
  return (s3Code && CODES_BY_S3_CODE[s3Code]) || (httpStatus && CODES_BY_HTTP_STATUS[httpStatus]) || 'EIO'
}

/** For ECREDENTIALS, `status.message` says where credentials were looked for and why each place gave none. */
export function errorFromStatus(status: FailureStatus, op: string, url: string): S3FsError {
  const detail =
    status.code === 'ECREDENTIALS'
      ? `no AWS credentials: ${status.message}. ` +
        'Provide credentials there, or pass { unsigned: true } / set AWS_NO_SIGN_REQUEST=1 for a public bucket'
      : status.message
  const context: ErrorContext = { op, url }
  if (status.s3Code !== undefined) context.s3Code = status.s3Code
  if (status.httpStatus !== undefined) context.httpStatus = status.httpStatus
  return new S3FsError(status.code, detail, context)
}

/** Whether `error` is an S3FsError with this code. */
export function hasCode(error: unknown, code: string): error is S3FsError {
  return error instanceof S3FsError && error.code === code
}

/** The reason an operation's own deadline (operationTimeoutMs) aborts it with. */
export class OperationDeadline extends Error {
  constructor(readonly timeoutMs: number) {
    super(`did not finish within the operation timeout (${timeoutMs} ms)`)
    this.name = 'OperationDeadline'
  }
}

/** The code and detail an abort ends an operation with: ABORT_ERR, or ETIMEDOUT when its deadline aborted it. */
export function abortStatus(reason: unknown): { code: string; detail: string } {
  return reason instanceof OperationDeadline ? { code: 'ETIMEDOUT', detail: reason.message } : { code: 'ABORT_ERR', detail: 'the operation was aborted' }
}

export function abortError(op: string, url: string, reason?: unknown): S3FsError {
  const { code, detail } = abortStatus(reason)
  return new S3FsError(code, detail, { op, url, ...(reason === undefined || reason instanceof OperationDeadline ? {} : { cause: reason }) })
}

export function isFailureStatus(value: unknown): value is FailureStatus {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FailureStatus).code === 'string' &&
    typeof (value as FailureStatus).message === 'string' &&
    !(value instanceof Error)
  )
}

/** A number argument outside its range, as node:fs reports one: a RangeError with code ERR_OUT_OF_RANGE. */
/** Node's error for an argument of the wrong type: a TypeError with code ERR_INVALID_ARG_TYPE. */
export function invalidArgType(name: string, expected: string, received: unknown): TypeError & { code: 'ERR_INVALID_ARG_TYPE' } {
  const kind = received === null ? 'null' : Array.isArray(received) ? 'an array' : typeof received
  return Object.assign(new TypeError(`The "${name}" argument must be ${expected}. Received ${kind}`), { code: 'ERR_INVALID_ARG_TYPE' as const })
}

/** A local file's failure (ENOENT, EACCES, ENAMETOOLONG, ...) as an S3FsError with the system's code, naming the file. */
export function localFileError(error: unknown, op: string, localPath: string, url: string): S3FsError {
  const { code = 'EIO', message = String(error) } = error as NodeJS.ErrnoException
  // Node's message starts with its code, which the S3FsError's own starts with already.
  return new S3FsError(code, `${localPath}: ${message.replace(/^[A-Z]+: /, '')}`, { op, url, cause: error })
}

/** Node's error for an argument of the right type and a wrong value: `The argument 'name' <reason>. Received ...`. */
export function invalidArgValue(name: string, received: unknown, reason: string): TypeError & { code: 'ERR_INVALID_ARG_VALUE' } {
  const shown = typeof received === 'string' ? JSON.stringify(received) : ArrayBuffer.isView(received) ? received.constructor.name : String(received)
  return Object.assign(new TypeError(`The argument '${name}' ${reason}. Received ${shown}`), { code: 'ERR_INVALID_ARG_VALUE' as const })
}

/** A local path as node:fs takes one: a string without NUL bytes, else the same argument error node:fs raises. */
export function checkLocalPath(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw invalidArgType(name, 'a string', value)
  if (value.includes('\0')) throw invalidArgValue(name, value, 'must be a string without null bytes')
}

/** Checks `options.signal` as node:fs does: absent, or an AbortSignal. */
export function checkSignal(options: { signal?: unknown } | null | undefined): void {
  const signal = options?.signal
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal)
}

export function outOfRange(name: string, range: string, received: unknown): RangeError & { code: 'ERR_OUT_OF_RANGE' } {
  const error = new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(received)}`)
  return Object.assign(error, { code: 'ERR_OUT_OF_RANGE' as const })
}
