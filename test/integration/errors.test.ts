import { inspect } from 'node:util'

import { afterAll, describe, expect, test } from 'vitest'

import { S3FileSystem, S3FsError } from '../../lib/index.js'
import { freePort } from '../../lib/cli/local-minio.js'
import { BUCKET, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
const prefix = uniquePrefix('errors')
afterAll(() => fs.close())

function expectNoSecret(error: unknown, secret: string): void {
  const text = [String(error), inspect(error, { depth: 5, showHidden: true }), JSON.stringify(error), (error as Error).stack ?? ''].join('\n')
  expect(text).not.toContain(secret)
}

describe('errors name the URL and carry stable codes', () => {
  test('missing key: ENOENT', async () => {
    const error = await fs.readFile(url(`${prefix}/missing`)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(S3FsError)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'readFile', url: url(`${prefix}/missing`) })
    expect((error as Error).message).toContain(url(`${prefix}/missing`))
  })

  test('missing bucket: ENOENT with NoSuchBucket and the HTTP status', async () => {
    for (const op of [() => fs.stat('s3://no-such-bucket-s3fs/x'), () => fs.readdir('s3://no-such-bucket-s3fs/'), () => fs.stat('s3://no-such-bucket-s3fs')]) {
      await expect(op()).rejects.toMatchObject({ code: 'ENOENT', s3Code: 'NoSuchBucket', httpStatus: 404 })
    }
  })

  test('wrong secret: EACCES, and the secret appears nowhere in the error', async () => {
    const wrongSecret = 'wrong-secret-' + 'x'.repeat(24)
    const wrong = new S3FileSystem({ env: testEnv({ AWS_SECRET_ACCESS_KEY: wrongSecret }) })
    const error = await wrong.readFile(url('anything')).catch((e: unknown) => e)
    wrong.close()
    expect(error).toMatchObject({ code: 'EACCES', s3Code: 'SignatureDoesNotMatch', httpStatus: 403 })
    expectNoSecret(error, wrongSecret)
    expectNoSecret(error, server.secretAccessKey)
  })

  test('unknown access key: EACCES', async () => {
    const wrong = new S3FileSystem({ env: testEnv({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000' }) })
    await expect(wrong.stat(url('x'))).rejects.toMatchObject({ code: 'EACCES', s3Code: 'InvalidAccessKeyId' })
    wrong.close()
  })

  test('no credentials anywhere: ECREDENTIALS naming the places looked', async () => {
    const env = testEnv({ AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config' })
    delete env.AWS_ACCESS_KEY_ID
    delete env.AWS_SECRET_ACCESS_KEY
    const anonymous = new S3FileSystem({ env })
    const error = await anonymous.stat(url('x')).catch((e: unknown) => e)
    anonymous.close()
    expect(error).toMatchObject({ code: 'ECREDENTIALS' })
    const message = (error as Error).message
    expect(message).toContain('AWS_ACCESS_KEY_ID')
    expect(message).toContain('/nonexistent/credentials')
    expect(message).toContain('AWS_NO_SIGN_REQUEST')
  })

  test('unsigned requests when asked for reach the server anonymously', async () => {
    const env = testEnv()
    delete env.AWS_ACCESS_KEY_ID
    delete env.AWS_SECRET_ACCESS_KEY
    const unsigned = new S3FileSystem({ env: { ...env, AWS_NO_SIGN_REQUEST: '1' } })
    // The test bucket is private: an anonymous request is refused by the server, not by us.
    await expect(unsigned.readFile(url('x'))).rejects.toMatchObject({ code: 'EACCES', httpStatus: 403 })
    unsigned.close()
  })

  test('nothing listening: ECONNREFUSED', async () => {
    const port = await freePort()
    const refused = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: `127.0.0.1:${port}`, S3_USE_HTTPS: '0' }), maxRetries: 1 })
    const error = await refused.stat(url('x')).catch((e: unknown) => e)
    refused.close()
    expect(error).toMatchObject({ code: 'ECONNREFUSED' })
    expect((error as Error).message).toContain(url('x'))
    expect((error as Error).message).toContain(`127.0.0.1:${port}`)
  })
})

describe('malformed URLs are rejected before any request', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not s3://', 'http://bucket/key', 'EINVAL'],
    ['no scheme', 'bucket/key', 'EINVAL'],
    ['no bucket', 's3:///key', 'EINVAL'],
    ['bad bucket', 's3://Bad_Bucket!/key', 'EINVAL'],
    ['not a string', 42, 'EINVAL'],
    ['empty key', `s3://${BUCKET}`, 'EINVAL'],
    ['empty key with slash', `s3://${BUCKET}/`, 'EINVAL'],
    ['a directory', `s3://${BUCKET}/dir/`, 'EISDIR'],
    ['key over 1024 bytes', `s3://${BUCKET}/${'é'.repeat(513)}`, 'ENAMETOOLONG'],
  ]
  for (const [label, input, code] of cases) {
    test(label, async () => {
      await expect(fs.readFile(input as string)).rejects.toMatchObject({ code })
    })
  }
  test('a key of exactly 1024 bytes is accepted', async () => {
    // Segments under 255 bytes: MinIO stores each as a file name.
    const key = `${'a'.repeat(203)}/`.repeat(5) + 'abcd'
    expect(Buffer.byteLength(key)).toBe(1024)
    await expect(fs.readFile(`s3://${BUCKET}/${key}`)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
