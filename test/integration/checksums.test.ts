import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { type ChecksumChoice, S3FileSystem } from '../../lib/index.js'
import { type FaultProxy, startFaultProxy } from '../server/fault-proxy.js'
import { BUCKET, expectNoMultipartUploads, randomData, reference, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

const PART = 5 * 1024 * 1024

/** The value S3 keeps for these bytes, computed here independently of the library. */
async function expected(algorithm: Exclude<ChecksumChoice, 'off'>, data: Uint8Array): Promise<string> {
  if (algorithm === 'sha256') return createHash('sha256').update(data).digest('base64')
  const checksum = algorithm === 'crc64nvme' ? new Crc64Nvme() : algorithm === 'crc32c' ? new Crc32c() : new Crc32()
  checksum.update(data)
  return Buffer.from(await checksum.digest()).toString('base64')
}

/** S3's composite SHA-256 of a multipart object: the SHA-256 of the parts' digests, then "-<parts>". */
function compositeSha256(data: Uint8Array, partSize: number): string {
  const digests: Buffer[] = []
  for (let start = 0; start < data.length; start += partSize) digests.push(createHash('sha256').update(data.subarray(start, start + partSize)).digest())
  return `${createHash('sha256').update(Buffer.concat(digests)).digest('base64')}-${digests.length}`
}

describe('every upload carries a checksum the server verifies and keeps', () => {
  for (const algorithm of ['crc64nvme', 'crc32c', 'crc32', 'sha256'] as const) {
    test(`${algorithm}: a single PUT, a multipart writeFile, a write stream and a copy; stat reports it`, async () => {
      const fs = testFs({ checksum: algorithm, partSize: PART })
      const prefix = uniquePrefix(`checksum-${algorithm}`)
      const small = randomData(1000)
      const large = randomData(2 * PART + 17)

      await fs.writeFile(url(`${prefix}/small`), small)
      expect((await fs.stat(url(`${prefix}/small`))).checksum).toEqual({ algorithm, value: await expected(algorithm, small), type: 'FULL_OBJECT' })

      // CRCs combine, so a multipart object keeps one of its whole content; SHA-256 does not.
      const whole = algorithm === 'sha256'
        ? { algorithm, value: compositeSha256(large, PART), type: 'COMPOSITE' }
        : { algorithm, value: await expected(algorithm, large), type: 'FULL_OBJECT' }
      await fs.writeFile(url(`${prefix}/large`), large)
      expect((await fs.stat(url(`${prefix}/large`))).checksum).toEqual(whole)

      const stream = fs.createWriteStream(url(`${prefix}/stream`))
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject)
        stream.end(large, resolve)
      })
      expect((await fs.stat(url(`${prefix}/stream`))).checksum).toEqual(whole)

      await fs.cp(url(`${prefix}/large`), url(`${prefix}/copy`))
      expect((await fs.stat(url(`${prefix}/copy`))).checksum).toMatchObject({ algorithm })
      expect((await fs.readFile(url(`${prefix}/copy`))).equals(large)).toBe(true)
      fs.close()
    })
  }

  test("checksum: 'off' sends none", async () => {
    const fs = testFs({ checksum: 'off', partSize: PART })
    const key = url(`${uniquePrefix('checksum-off')}/object`)
    await fs.writeFile(key, randomData(2 * PART + 1))
    expect((await fs.stat(key)).checksum).toBeUndefined()
    fs.close()
  })

  test('an unknown algorithm is refused before any request', () => {
    expect(() => testFs({ checksum: 'md5' as ChecksumChoice })).toThrow(expect.objectContaining({ code: 'EINVAL' }))
  })
})

test('upload and download leave alone what already matches by checksum, whatever the ETag', async () => {
  // Written in parts of another size, the object's ETag is not the one this upload would give;
  // its full-object CRC64NVME still says the content is the same.
  const writer = testFs({ partSize: PART + 1024 * 1024 })
  const fs = testFs({ partSize: PART })
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-skip-'))
  try {
    const key = url(`${uniquePrefix('skip-by-checksum')}/data.bin`)
    const data = randomData(2 * PART + 99)
    await writer.writeFile(key, data)
    const local = path.join(dir, 'data.bin')
    writeFileSync(local, data)
    expect(await fs.upload(local, key)).toMatchObject({ files: 1, skipped: 1, bytes: 0 })
    expect(await fs.download(key, local)).toMatchObject({ files: 1, skipped: 1, bytes: 0 })

    data[PART] = data[PART]! ^ 1
    writeFileSync(local, data)
    expect(await fs.upload(local, key)).toMatchObject({ files: 1, skipped: 0 })
    expect((await fs.readFile(key)).equals(data)).toBe(true)
  } finally {
    writer.close()
    fs.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

describe('a byte flipped between this client and the server', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(server.port)
  })
  afterAll(() => proxy.close())

  const writes: Array<[string, (fs: S3FileSystem, key: string, data: Buffer) => Promise<unknown>]> = [
    ['a single PUT', (fs, key, data) => fs.writeFile(key, data.subarray(0, 64 * 1024))],
    ['a multipart writeFile', (fs, key, data) => fs.writeFile(key, data)],
    [
      'a write stream',
      (fs, key, data) =>
        new Promise<void>((resolve, reject) => {
          const stream = fs.createWriteStream(key)
          stream.on('error', reject)
          stream.end(data, resolve)
        }),
    ],
  ]
  // A multipart SHA-256 is a checksum of the parts' checksums (COMPOSITE), which a reader cannot
  // check without the writer's part boundaries: SHA-256 is checked on objects sent whole.
  const reads = [
    ['crc64nvme', 'one part', 100_000],
    ['crc64nvme', 'parts in parallel', 3 * PART + 11],
    ['crc32c', 'parts in parallel', 3 * PART + 11],
    ['sha256', 'one part', 100_000],
  ] as const
  for (const [algorithm, name, size] of reads) {
    test(`on download (${algorithm}, ${name}): readFile and download fail with EBADMSG naming both values, and return nothing`, async () => {
      const key = url(`${uniquePrefix('corrupt-download')}/object`)
      const writer = testFs({ checksum: algorithm, partSize: PART })
      const data = randomData(size)
      await writer.writeFile(key, data)
      const stored = (await writer.stat(key)).checksum!.value
      writer.close()

      const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: PART })
      const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-corrupt-'))
      try {
        // The intact read passes the check; then every GET's body has one byte flipped.
        expect((await fs.readFile(key)).equals(data)).toBe(true)
        proxy.setPlan({ kind: 'corrupt-response', every: 1, matches: (method) => method === 'GET' })
        const read = await fs.readFile(key).catch((e: unknown) => e)
        // Not toMatchObject: on failure it would print a whole Buffer.
        expect((read as { code?: string }).code).toBe('EBADMSG')
        expect((read as Error).message).toContain(key)
        expect((read as Error).message).toContain(stored)
        const target = path.join(dir, 'object')
        // A fresh plan: the proxy lets the repeat of a faulted request through.
        proxy.setPlan({ kind: 'corrupt-response', every: 1, matches: (method) => method === 'GET' })
        const downloaded = await fs.download(key, target).catch((e: unknown) => e)
        expect((downloaded as { code?: string }).code).toBe('EBADMSG')
        expect(existsSync(target)).toBe(false)
        expect(readdirSync(dir)).toEqual([])
      } finally {
        proxy.setPlan(undefined)
        fs.close()
        rmSync(dir, { recursive: true, force: true })
      }
    })
  }

  test("with checksum: 'off' nothing is checked: the flipped byte comes through", async () => {
    const key = url(`${uniquePrefix('unchecked-download')}/object`)
    const writer = testFs()
    const data = randomData(100_000)
    await writer.writeFile(key, data)
    writer.close()
    const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), checksum: 'off' })
    proxy.setPlan({ kind: 'corrupt-response', every: 1, matches: (method) => method === 'GET' })
    const read = await fs.readFile(key).finally(() => proxy.setPlan(undefined))
    fs.close()
    expect(read.length).toBe(data.length)
    expect(read.equals(data)).toBe(false)
  })

  for (const [name, write] of writes) {
    test(`on upload (${name}): the server refuses it, the write fails with EBADMSG, and neither object nor upload is left`, async () => {
      const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: PART })
      const key = `${uniquePrefix('corrupt-upload')}/object`
      // Every body-carrying PUT (the object, or each part) is corrupted, on every try.
      proxy.setPlan({ kind: 'corrupt-request', every: 1, matches: (method) => method === 'PUT' })
      const error = await write(fs, url(key), randomData(2 * PART + 3)).catch((e: unknown) => e)
      proxy.setPlan(undefined)
      fs.close()
      expect(error).toMatchObject({ code: 'EBADMSG', httpStatus: 400 })
      expect((error as Error).message).toContain(url(key))
      await expectNoMultipartUploads(key)
      const client = reference()
      await expect(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' })
      client.destroy()
    })
  }
})

/** The process warnings of `code` emitted until stop(). */
function collectWarnings(code: string): { warnings: Error[]; stop: () => void } {
  const warnings: Error[] = []
  const onWarning = (warning: Error & { code?: string }): void => {
    if (warning.code === code) warnings.push(warning)
  }
  process.on('warning', onWarning)
  return { warnings, stop: () => process.off('warning', onWarning) }
}

for (const refusalStatus of [400, 501] as const) {
  test(`a server that refuses checksum headers (${refusalStatus}) is found out once, with one warning, and every write goes through without them`, async () => {
    const proxy = await startFaultProxy(server.port)
    const { warnings, stop } = collectWarnings('S3FS_CHECKSUMS_REFUSED')
    const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: PART })
    try {
      proxy.setPlan({ kind: 'refuse-checksums', every: 1, refusalStatus })
      const prefix = uniquePrefix(`refused-${refusalStatus}`)
      const small = randomData(1000)
      const large = randomData(2 * PART + 5)
      await fs.writeFile(url(`${prefix}/small`), small)
      await fs.writeFile(url(`${prefix}/large`), large)
      await new Promise<void>((resolve, reject) => {
        const stream = fs.createWriteStream(url(`${prefix}/stream`))
        stream.on('error', reject)
        stream.end(large, resolve)
      })
      await fs.cp(url(`${prefix}/large`), url(`${prefix}/copy`))
      expect((await fs.readFile(url(`${prefix}/small`))).equals(small)).toBe(true)
      for (const name of ['large', 'stream', 'copy']) expect((await fs.readFile(url(`${prefix}/${name}`))).equals(large)).toBe(true)
      expect(proxy.faults).toBe(1)
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.message).toContain(new URL(proxy.endpoint).host)
    } finally {
      stop()
      fs.close()
      await proxy.close()
    }
  })
}

for (const first of ['small', 'large'] as const) {
  test(`a server that accepts checksum headers and ignores them is found out at the first upload (${first === 'small' ? 'a single PUT' : 'a multipart upload'}), with one warning, and later ones carry none`, async () => {
    const proxy = await startFaultProxy(server.port)
    const { warnings, stop } = collectWarnings('S3FS_CHECKSUMS_IGNORED')
    const fs = new S3FileSystem({ env: testEnv({ S3_ENDPOINT: proxy.endpoint }), partSize: PART })
    try {
      proxy.setPlan({ kind: 'ignore-checksums', every: 1 })
      const prefix = uniquePrefix(`ignored-${first}`)
      const data = { small: randomData(1000), large: randomData(2 * PART + 5) }
      await fs.writeFile(url(`${prefix}/${first}`), data[first])
      const carriedByFirst = proxy.faults
      expect(carriedByFirst).toBeGreaterThanOrEqual(1)
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.message).toContain(new URL(proxy.endpoint).host)

      const other = first === 'small' ? 'large' : 'small'
      await fs.writeFile(url(`${prefix}/${other}`), data[other])
      await new Promise<void>((resolve, reject) => {
        const stream = fs.createWriteStream(url(`${prefix}/stream`))
        stream.on('error', reject)
        stream.end(data.large, resolve)
      })
      await fs.cp(url(`${prefix}/large`), url(`${prefix}/copy`))
      expect(proxy.faults).toBe(carriedByFirst)
      expect((await fs.readFile(url(`${prefix}/small`))).equals(data.small)).toBe(true)
      for (const name of ['large', 'stream', 'copy']) expect((await fs.readFile(url(`${prefix}/${name}`))).equals(data.large)).toBe(true)
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).toHaveLength(1)
    } finally {
      stop()
      fs.close()
      await proxy.close()
    }
  })
}
