// Errors a user hits with a wrong setting or a wrong argument: each an S3FsError with a code from
// the README's list (or, for a wrong argument, a Node-style RangeError), never a raw error or a hang.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { afterAll, expect, inject, test } from 'vitest'

import { S3FileSystem, S3FsError } from '../../lib/index.js'
import { freePort } from '../../lib/cli/local-minio.js'
import { backendUnderTest, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const tls = inject('s3tls')
const fs = testFs()
const local = mkdtempSync(path.join(os.tmpdir(), 's3fs-codes-'))
afterAll(() => {
  fs.close()
  rmSync(local, { recursive: true, force: true })
})

test('a directory upload to an endpoint where nothing listens: ECONNREFUSED', async () => {
  const dir = path.join(local, 'tree')
  mkdirSync(dir, { recursive: true })
  for (const name of ['a', 'b', 'c']) writeFileSync(path.join(dir, name), name)
  const port = await freePort()
  const refused = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: `127.0.0.1:${port}`, S3_USE_HTTPS: '0' }), maxRetries: 1 })
  const error = await refused.upload(dir, url(uniquePrefix('refused'))).catch((e: unknown) => e)
  refused.close()
  expect(error).toBeInstanceOf(S3FsError)
  expect(error).toMatchObject({ code: 'ECONNREFUSED' })
})

test('plain http to a TLS port: EPROTO naming the URL, for single requests and transfers alike', async () => {
  const mismatched = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: `127.0.0.1:${tls.port}`, S3_USE_HTTPS: '0' }), maxRetries: 1 })
  const operations: Array<[string, () => Promise<unknown>]> = [
    [url('x'), () => mismatched.stat(url('x'))],
    [url('x'), () => mismatched.readFile(url('x'))],
    [url('y'), () => mismatched.writeFile(url('y'), 'x')],
    [url('d'), () => mismatched.readdir(url('d'))],
  ]
  // The TLS server answers plain http with a 400 and closes with the request partly unread, which
  // resets the connection; when the client reads late (a loaded machine) the reset overtakes that
  // answer and only the reset is seen. Measured with the native backend on a loaded 2-core machine:
  // about 1 request in 10. Node's HTTP client reads the answer first every time.
  const codes = backendUnderTest === 'native' ? ['EPROTO', 'ECONNRESET'] : ['EPROTO']
  const seen: string[] = []
  for (const [target, operation] of operations) {
    const error = await operation().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(S3FsError)
    expect(codes).toContain((error as S3FsError).code)
    expect((error as Error).message).toContain(target)
    seen.push((error as S3FsError).code)
  }
  expect(seen).toContain('EPROTO')
  mismatched.close()
})

test('an endpoint that is not an S3 server: EPROTO naming host:port, never ENOENT', async () => {
  const notS3 = http.createServer((request, response) => {
    response.writeHead(404, { 'content-type': 'text/html' })
    response.end('<html>Not Found</html>')
  })
  await new Promise<void>((resolve) => notS3.listen(0, '127.0.0.1', resolve))
  const { port } = notS3.address() as AddressInfo
  const wrong = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: `http://127.0.0.1:${port}` }), maxRetries: 1 })
  try {
    for (const operation of [() => wrong.stat(url('x')), () => wrong.readFile(url('x')), () => wrong.readdir(url('d'))]) {
      const error = await operation().catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'EPROTO' })
      expect((error as Error).message).toContain(`the endpoint at 127.0.0.1:${port} did not answer as S3`)
    }
  } finally {
    wrong.close()
    notS3.close()
  }
})

test('an https endpoint with a CA file that does not exist: an S3FsError from the constructor naming the variable and the path', () => {
  const missing = path.join(local, 'no-such-ca.pem')
  const construct = () => new S3FileSystem({ env: testEnv({ S3_ENDPOINT: tls.endpoint, S3_CA_FILE: missing }) })
  expect(construct).toThrow(S3FsError)
  expect(construct).toThrow(expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining('S3_CA_FILE') }))
  expect(construct).toThrow(expect.objectContaining({ message: expect.stringContaining(missing) }))
})

test('a glob with a reversed character range: EINVAL naming the pattern', async () => {
  const pattern = url(`${uniquePrefix('glob')}/[z-a]*`)
  const error = await fs.glob(pattern).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(S3FsError)
  expect(error).toMatchObject({ code: 'EINVAL' })
  expect((error as Error).message).toContain('[z-a]')
})

test('null options mean the defaults, as in fs', async () => {
  const key = url(`${uniquePrefix('null')}/f`)
  await fs.writeFile(key, 'x', null as never)
  expect((await fs.readFile(key, null as never)).toString()).toBe('x')
  expect(await fs.readdir(path.posix.dirname(key), null as never)).toEqual(['f'])
  expect(await fs.stat(key, null as never)).toMatchObject({ size: 1 })
  await fs.rm(key, null as never)
  const withNullConfig = new S3FileSystem(null as never)
  withNullConfig.close()
})

test('a transfer concurrency that is not a positive integer is refused at once', async () => {
  for (const concurrency of [0, -1, 1.5, NaN]) {
    await expect(fs.upload(local, url(uniquePrefix('conc')), { concurrency })).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
    await expect(fs.download(url(uniquePrefix('conc')), path.join(local, 'out'), { concurrency })).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  }
})
