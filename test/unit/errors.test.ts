import { describe, expect, test } from 'vitest'

import { codeForS3Error, errorFromStatus, S3FsError } from '../../lib/errors.js'
import { errorFromSdk } from '../../lib/js/errors.js'

describe('S3 and HTTP errors map to Node-style codes', () => {
  test('by S3 code first, then by HTTP status', () => {
    expect(codeForS3Error('NoSuchKey', 404)).toBe('ENOENT')
    expect(codeForS3Error('SignatureDoesNotMatch', 403)).toBe('EACCES')
    expect(codeForS3Error('BucketNotEmpty', 409)).toBe('ENOTEMPTY')
    expect(codeForS3Error('SlowDown', 503)).toBe('EBUSY')
    expect(codeForS3Error(undefined, 412)).toBe('ESTALE')
    expect(codeForS3Error(undefined, 500)).toBe('EIO')
  })

  test('the message names the operation and URL; missing credentials name the places looked', () => {
    const e = errorFromStatus({ code: 'ENOENT', message: 'no such file or directory' }, 'stat', 's3://b/k')
    expect(e).toBeInstanceOf(S3FsError)
    expect(e.message).toBe("ENOENT: no such file or directory, stat 's3://b/k'")
    const c = errorFromStatus({ code: 'ECREDENTIALS', message: 'the environment: not set' }, 'stat', 's3://b/k')
    expect(c.message).toContain('no AWS credentials: the environment: not set')
    expect(c.message).toContain('AWS_NO_SIGN_REQUEST')
  })
})

describe('SDK failures map as the native engine reports them', () => {
  const sdk = (props: Record<string, unknown>) => Object.assign(new Error(String(props.message ?? 'failed')), props)

  test('server errors keep the S3 code and status', () => {
    const e = errorFromSdk(sdk({ name: 'NoSuchBucket', message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404, requestId: 'r1' } }), 'stat', 's3://b/k', '127.0.0.1:9000')
    expect(e).toMatchObject({ code: 'ENOENT', s3Code: 'NoSuchBucket', httpStatus: 404 })
    expect(e.message).toBe("ENOENT: HTTP 404 NoSuchBucket: The specified bucket does not exist, stat 's3://b/k'")
  })

  test('a HEAD error (no body) has a status and no S3 code', () => {
    const e = errorFromSdk(sdk({ name: 'Forbidden', $metadata: { httpStatusCode: 403, requestId: 'r2' } }), 'stat', 's3://b/k', '127.0.0.1:9000')
    expect(e).toMatchObject({ code: 'EACCES', httpStatus: 403 })
    expect(e.s3Code).toBeUndefined()
  })

  test('network errors by their socket code, even when the SDK calls them TimeoutError', () => {
    expect(errorFromSdk(sdk({ name: 'TimeoutError', code: 'ECONNRESET', message: 'read ECONNRESET' }), 'read', 's3://b/k', '127.0.0.1:9000').code).toBe('ECONNRESET')
    expect(errorFromSdk(sdk({ name: 'TimeoutError', message: 'socket timed out' }), 'read', 's3://b/k', '127.0.0.1:9000').code).toBe('ETIMEDOUT')
    expect(errorFromSdk(sdk({ code: 'ECONNREFUSED' }), 'read', 's3://b/k', '127.0.0.1:9000').code).toBe('ECONNREFUSED')
    expect(errorFromSdk(sdk({ name: 'AbortError' }), 'read', 's3://b/k', '127.0.0.1:9000').code).toBe('ABORT_ERR')
    expect(errorFromSdk(sdk({ name: 'CredentialsProviderError', message: 'SSO: expired' }), 'read', 's3://b/k', '127.0.0.1:9000')).toMatchObject({
      code: 'ECREDENTIALS',
      message: expect.stringContaining('SSO: expired'),
    })
  })

  test('a refusal without a request id is not S3 answering: EPROTO naming the endpoint, never ENOENT', () => {
    const e = errorFromSdk(sdk({ name: 'NotFound', $metadata: { httpStatusCode: 404 } }), 'stat', 's3://b/k', '127.0.0.1:9000')
    expect(e).toMatchObject({ code: 'EPROTO', httpStatus: 404 })
    expect(e.message).toContain('the endpoint at 127.0.0.1:9000 did not answer as S3')
    // A body that is not XML at all (the SDK names it Error) is no S3 answer either.
    expect(errorFromSdk(sdk({ name: 'Error', $metadata: { httpStatusCode: 400 } }), 'stat', 's3://b/k', '127.0.0.1:9000').code).toBe('EPROTO')
  })

  test('an S3 error document without a request id is still S3 answering', () => {
    expect(errorFromSdk(sdk({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }), 'read', 's3://b/k', '127.0.0.1:9000')).toMatchObject({ code: 'ENOENT', s3Code: 'NoSuchKey' })
  })
})
