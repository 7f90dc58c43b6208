import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { referenceClient } from '../../lib/cli/local-minio.js'
import { expectScenario, runOnS3FileSystem } from '../conformance-scenario.js'
import { OTHER_SERVERS, type OtherServer, startOtherServer } from '../server/other-servers.js'
import { BUCKET, randomData, testEnv, uniquePrefix, url } from '../helpers.js'

// The compiled command, as npm installs it.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js')
const MiB = 1024 * 1024

/**
 * A known difference, not an error: a server that does not check checksums (moto acknowledges
 * none of the native engine's) is found out once per process, and the command says so once.
 */
function withoutChecksumWarning(stderr: string): string {
  return stderr.replace(/^\(node:\d+\) \[S3FS_CHECKSUMS_IGNORED\] Warning: .*\n(\(Use `node --trace-warnings[^\n]*\n)?/m, '')
}

describe.each(OTHER_SERVERS)('against %s', (name) => {
  let server: OtherServer
  let fs: S3FileSystem
  let local: string

  beforeAll(async () => {
    server = await startOtherServer(name, [BUCKET])
    fs = new S3FileSystem({ env: testEnv({}, server) })
    local = mkdtempSync(path.join(os.tmpdir(), `s3fs-${name}-`))
  }, 180_000)
  afterAll(async () => {
    fs?.close()
    await server?.stop()
    if (local) rmSync(local, { recursive: true, force: true })
  })

  const noUploadsUnder = async (prefix: string): Promise<void> => {
    const client = referenceClient(server)
    try {
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }))
      expect((uploads.Uploads ?? []).map((u) => u.Key)).toEqual([])
    } finally {
      client.destroy()
    }
  }

  test('the conformance scenario', async () => {
    expectScenario(await runOnS3FileSystem(fs, url(uniquePrefix('conformance'))))
  })

  // A known difference: SeaweedFS checks signatures against its identities file, moto checks none.
  test(name === 'seaweedfs' ? 'requests are signed and checked: a wrong secret is EACCES' : 'a known difference: moto takes any keys, a wrong secret too', async () => {
    const wrong = new S3FileSystem({ env: testEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }, server) })
    try {
      const listing = wrong.readdir(url(''))
      if (name === 'seaweedfs') await expect(listing).rejects.toMatchObject({ code: 'EACCES', s3Code: 'SignatureDoesNotMatch' })
      else await expect(listing).resolves.toEqual(expect.any(Array))
    } finally {
      wrong.close()
    }
  })

  test('a workload: 0 B to 100 MiB, a listing past 1000 keys, glob, a directory of 50 renamed, rm -r, an aborted upload', async () => {
    const prefix = uniquePrefix('workload')
    for (const size of [0, 1, 5 * MiB + 1, 100 * MiB]) {
      const data = randomData(size)
      await fs.writeFile(url(`${prefix}/sizes/${size}.bin`), data)
      expect((await fs.stat(url(`${prefix}/sizes/${size}.bin`))).size).toBe(size)
      expect((await fs.readFile(url(`${prefix}/sizes/${size}.bin`))).equals(data)).toBe(true)
    }

    const many = Array.from({ length: 1100 }, (_, i) => `${prefix}/many/k${String(i).padStart(4, '0')}`)
    for (let i = 0; i < many.length; i += 50) await Promise.all(many.slice(i, i + 50).map((key) => fs.writeFile(url(key), key)))
    expect((await fs.readdir(url(`${prefix}/many`))).length).toBe(1100)
    expect(await fs.glob(url(`${prefix}/many/k10[0-9]?`))).toHaveLength(100)

    const tree = Array.from({ length: 50 }, (_, i) => `d${i % 5}/f${i}.txt`)
    await Promise.all(tree.map((key) => fs.writeFile(url(`${prefix}/tree/${key}`), key)))
    await fs.rename(url(`${prefix}/tree`), url(`${prefix}/moved`))
    expect(await fs.exists(url(`${prefix}/tree`))).toBe(false)
    for (const key of tree) expect(await fs.readFile(url(`${prefix}/moved/${key}`), 'utf8')).toBe(key)

    const handle = await fs.open(url(`${prefix}/abandoned.bin`), 'w')
    await handle.write(randomData(12 * MiB))
    await handle.abort()
    const controller = new AbortController()
    const writing = fs.writeFile(url(`${prefix}/aborted.bin`), randomData(60 * MiB), { signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await expect(writing).rejects.toMatchObject({ code: 'ABORT_ERR' })
    expect(await fs.exists(url(`${prefix}/abandoned.bin`))).toBe(false)
    expect(await fs.exists(url(`${prefix}/aborted.bin`))).toBe(false)
    await noUploadsUnder(`${prefix}/`)

    await fs.rm(url(`${prefix}/`), { recursive: true })
    expect(await fs.exists(url(`${prefix}/`))).toBe(false)
  }, 300_000)

  test('the command line: cp -r up and down, ls, stat, cat, du, find, glob, mkdir -p, mv, rm -r', async () => {
    const prefix = uniquePrefix('cli')
    const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...testEnv({}, server) } }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: withoutChecksumWarning(stderr) })
        })
      })
    const up = path.join(local, 'up')
    mkdirSync(path.join(up, 'sub'), { recursive: true })
    writeFileSync(path.join(up, 'a.bin'), randomData(300_000))
    writeFileSync(path.join(up, 'sub', 'b.txt'), 'hello\n')

    expect(await run(['cp', '-r', up, url(`${prefix}/`)])).toMatchObject({ code: 0, stdout: 'copied 2 files (293 KiB)\n', stderr: '' })
    expect(await run(['ls', url(`${prefix}/up/`)])).toMatchObject({ code: 0, stdout: 'sub/\na.bin\n' })
    expect(JSON.parse((await run(['--json', 'stat', url(`${prefix}/up/a.bin`)])).stdout)).toMatchObject({ type: 'file', size: 300_000 })
    expect(await run(['cat', url(`${prefix}/up/sub/b.txt`)])).toMatchObject({ code: 0, stdout: 'hello\n' })
    expect(await run(['du', '-s', url(`${prefix}/up/`)])).toMatchObject({ code: 0, stdout: `300006       ${url(`${prefix}/up/`)}\n` })
    expect(await run(['find', url(`${prefix}/`), '--name', '*.txt'])).toMatchObject({ code: 0, stdout: `${url(`${prefix}/up/sub/b.txt`)}\n` })
    expect(await run(['glob', url(`${prefix}/up/*/*.txt`)])).toMatchObject({ code: 0, stdout: `${url(`${prefix}/up/sub/b.txt`)}\n` })
    expect(await run(['mkdir', '-p', url(`${prefix}/made/deep`)])).toMatchObject({ code: 0 })
    expect(await run(['mv', url(`${prefix}/up`), url(`${prefix}/moved`)])).toMatchObject({ code: 0 })
    const down = path.join(local, 'down')
    expect(await run(['cp', '-r', url(`${prefix}/moved`), down])).toMatchObject({ code: 0, stderr: '' })
    expect(readFileSync(path.join(down, 'sub', 'b.txt'), 'utf8')).toBe('hello\n')
    expect(await run(['rm', '-r', url(`${prefix}/`)])).toMatchObject({ code: 0 })
    expect(await fs.exists(url(`${prefix}/`))).toBe(false)
  }, 120_000)
})
