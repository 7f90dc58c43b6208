import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { type FaultProxy, startFaultProxy } from '../server/fault-proxy.js'
import { BUCKET, expectNoMultipartUploads, randomData, reference, server, testEnv, testFs, uniquePrefix, url } from '../helpers.js'

// The real command, as npm installs it: the compiled bin that package.json names.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js')
const MiB = 1024 * 1024

interface Run {
  code: number
  stdout: string
  stderr: string
}

function s3fs(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...testEnv(), ...env }, maxBuffer: 64 * MiB }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

let local: string
const fs = testFs()

beforeAll(() => {
  local = mkdtempSync(path.join(os.tmpdir(), 's3fs-cli-'))
})
afterAll(() => {
  rmSync(local, { recursive: true, force: true })
  fs.close()
})

function localTree(name: string): { dir: string; files: Record<string, Buffer> } {
  const dir = path.join(local, name)
  const files: Record<string, Buffer> = { 'a.bin': randomData(300_000), 'sub/b.txt': Buffer.from('hello\n'), 'sub/deeper/c.tfrecord': randomData(1000) }
  for (const [relative, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true })
    writeFileSync(path.join(dir, relative), data)
  }
  return { dir, files }
}

describe('the s3fs command', () => {
  test('cp -r up, ls, ls -l, ls -R --json, du, stat, cat, find, glob', async () => {
    const prefix = uniquePrefix('cli')
    const { dir, files } = localTree('up')
    const up = await s3fs(['cp', '-r', dir, url(`${prefix}/`)])
    expect(up).toMatchObject({ code: 0, stderr: '' })
    expect(up.stdout).toBe('copied 3 files (294 KiB)\n')
    for (const [relative, data] of Object.entries(files)) expect((await fs.readFile(url(`${prefix}/up/${relative}`))).equals(data)).toBe(true)

    expect((await s3fs(['ls', url(`${prefix}/up/`)])).stdout).toBe('sub/\na.bin\n')
    const long = (await s3fs(['ls', '-l', url(`${prefix}/up`)])).stdout.split('\n')
    expect(long[0]).toMatch(/^\s+DIR\s+sub\/$/)
    expect(long[1]).toMatch(/^\s+300000 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}a\.bin$/)
    const listed = JSON.parse((await s3fs(['--json', 'ls', '-R', url(`${prefix}/up/`)])).stdout) as Array<{ name: string; size: number; type: string; url: string }>
    expect(listed.map((e) => [e.name, e.size, e.type])).toEqual([
      ['a.bin', 300_000, 'file'],
      ['sub/b.txt', 6, 'file'],
      ['sub/deeper/c.tfrecord', 1000, 'file'],
    ])
    expect(listed[0]!.url).toBe(url(`${prefix}/up/a.bin`))

    expect((await s3fs(['du', url(`${prefix}/up/`)])).stdout).toBe(`300000       a.bin\n1006         sub/\n301006       ${url(`${prefix}/up/`)}\n`)
    expect((await s3fs(['du', '-s', '-h', url(`${prefix}/up/`)])).stdout).toBe(`294 KiB      ${url(`${prefix}/up/`)}\n`)
    expect(JSON.parse((await s3fs(['--json', 'stat', url(`${prefix}/up/a.bin`)])).stdout)).toMatchObject({ type: 'file', size: 300_000, etag: expect.any(String) })
    expect((await s3fs(['stat', url(`${prefix}/up/sub`)])).stdout).toContain('type:  directory')
    expect((await s3fs(['cat', url(`${prefix}/up/sub/b.txt`), url(`${prefix}/up/sub/b.txt`)])).stdout).toBe('hello\nhello\n')
    expect((await s3fs(['find', url(`${prefix}/up/`), '--name', '*.tfrecord'])).stdout).toBe(`${url(`${prefix}/up/sub/deeper/c.tfrecord`)}\n`)
    expect((await s3fs(['glob', url(`${prefix}/up/*/*.txt`)])).stdout).toBe(`${url(`${prefix}/up/sub/b.txt`)}\n`)
  })

  test('cp down and within S3, mv, mkdir -p, rm -r', async () => {
    const prefix = uniquePrefix('cli')
    const data = randomData(200_000)
    await fs.writeFile(url(`${prefix}/src/one.bin`), data)
    await fs.writeFile(url(`${prefix}/src/nested/two.bin`), 'two')

    const into = path.join(local, `${prefix}-down`)
    mkdirSync(into)
    expect((await s3fs(['cp', url(`${prefix}/src/one.bin`), into])).code).toBe(0)
    expect(readFileSync(path.join(into, 'one.bin')).equals(data)).toBe(true)
    expect((await s3fs(['cp', '-r', url(`${prefix}/src`), path.join(into, 'tree')])).code).toBe(0)
    expect(readFileSync(path.join(into, 'tree', 'nested', 'two.bin'), 'utf8')).toBe('two')

    expect((await s3fs(['cp', '-r', url(`${prefix}/src/`), url(`${prefix}/copy/`)])).stdout).toBe('copied 2 files (195 KiB)\n')
    expect(await fs.readFile(url(`${prefix}/copy/src/nested/two.bin`), 'utf8')).toBe('two')

    expect((await s3fs(['mv', url(`${prefix}/copy/src`), url(`${prefix}/moved`)])).stdout).toBe(`moved ${url(`${prefix}/copy/src`)} -> ${url(`${prefix}/moved`)}\n`)
    expect(await fs.readdir(url(`${prefix}/moved`))).toEqual(['nested', 'one.bin'])
    expect(await fs.exists(url(`${prefix}/copy/src`))).toBe(false)

    expect((await s3fs(['mkdir', '-p', url(`${prefix}/made/deep`)])).code).toBe(0)
    expect((await fs.stat(url(`${prefix}/made/deep`))).isDirectory()).toBe(true)
    expect((await s3fs(['rm', '-r', url(`${prefix}/`)])).code).toBe(0)
    expect(await fs.exists(url(`${prefix}/`))).toBe(false)
  })

  test('sync sends only what changed and, with --delete, removes what the source lacks', async () => {
    const prefix = uniquePrefix('cli-sync')
    const { dir } = localTree('sync')
    expect((await s3fs(['sync', dir, url(`${prefix}/`)])).stdout).toBe('sent 3 files (294 KiB)\n')
    expect((await s3fs(['sync', dir, url(`${prefix}/`)])).stdout).toBe('sent 0 files (0 B), 3 unchanged\n')
    writeFileSync(path.join(dir, 'sub', 'b.txt'), 'changed\n')
    rmSync(path.join(dir, 'a.bin'))
    expect((await s3fs(['sync', '--delete', dir, url(`${prefix}/`)])).stdout).toBe('sent 1 file (8 B), 1 unchanged, 1 deleted\n')
    expect(await fs.exists(url(`${prefix}/a.bin`))).toBe(false)
    expect(await fs.readFile(url(`${prefix}/sub/b.txt`), 'utf8')).toBe('changed\n')

    const back = path.join(local, `${prefix}-back`)
    expect(JSON.parse((await s3fs(['--json', 'sync', url(`${prefix}/`), back])).stdout)).toEqual({ files: 2, skipped: 0, bytes: 1008, deleted: 0 })
    expect(readFileSync(path.join(back, 'sub', 'b.txt'), 'utf8')).toBe('changed\n')
  })

  test('--checksum picks the algorithm uploads carry, and stat shows the one the object keeps', async () => {
    const { dir } = localTree('checksum')
    const target = url(`${uniquePrefix('cli-checksum')}/a.bin`)
    expect(await s3fs(['--checksum', 'crc32c', 'cp', path.join(dir, 'a.bin'), target])).toMatchObject({ code: 0 })
    expect(JSON.parse((await s3fs(['--json', 'stat', target])).stdout)).toMatchObject({ checksum: { algorithm: 'crc32c', type: 'FULL_OBJECT' } })
    expect((await s3fs(['stat', target])).stdout).toMatch(/^checksum: crc32c \S+ \(whole object\)$/m)
    expect(await s3fs(['--checksum', 'md5', 'stat', target])).toMatchObject({ code: 2 })
  })

  test('--requester-pays goes on every request, and --sse encrypts what is written', async () => {
    const { dir } = localTree('request-options')
    const prefix = uniquePrefix('cli-request-options')
    const proxy = await startFaultProxy(server.port)
    const payers: Array<string | undefined> = []
    proxy.setPlan({ kind: 'latency', every: Number.MAX_SAFE_INTEGER, matches: (_m, _u, headers) => (payers.push(headers['x-amz-request-payer'] as string | undefined), false) })
    try {
      const env = { S3_ENDPOINT: proxy.endpoint }
      expect(await s3fs(['--requester-pays', '--sse', 'AES256', 'cp', '-r', dir, url(prefix)], env)).toMatchObject({ code: 0 })
      expect(await s3fs(['--requester-pays', 'ls', '-R', url(prefix)], env)).toMatchObject({ code: 0 })
    } finally {
      await proxy.close()
    }
    expect(payers.length).toBeGreaterThan(3)
    expect(new Set(payers)).toEqual(new Set(['requester']))
    const client = reference()
    try {
      expect(await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${prefix}/a.bin` }))).toMatchObject({ ServerSideEncryption: 'AES256' })
    } finally {
      client.destroy()
    }
  })

  test('a failure is one line with the code and the URL, exit 1; a usage error exits 2', async () => {
    const missing = url(`${uniquePrefix('cli')}/missing.bin`)
    for (const args of [['stat', missing], ['cat', missing], ['cp', missing, local], ['rm', missing]]) {
      const run = await s3fs(args)
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(/^s3fs: ENOENT: .*s3:\/\/.*missing\.bin/)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      expect(run.stderr).not.toMatch(/^\s+at /m)
    }
    expect((await s3fs(['ls', 'not-a-url'])).stderr).toMatch(/^s3fs: EINVAL: /)
    expect((await s3fs(['ls'])).code).toBe(2)
    expect((await s3fs(['frobnicate'])).code).toBe(2)
    expect((await s3fs(['bench', url('x/'), '--size', '0'])).code).toBe(2)
    expect((await s3fs(['--help'])).code).toBe(0)
  })

  test('bench prints both backends side by side', async () => {
    const run = await s3fs(['--json', 'bench', url(`${uniquePrefix('cli-bench')}/`), '--size', '8', '--runs', '1'])
    expect(run.code).toBe(0)
    const rows = JSON.parse(run.stdout) as Array<{ backend: string; writeMiBps: number; readMiBps: number }>
    expect(rows.map((r) => r.backend)).toEqual(['js', 'native'])
    for (const row of rows) expect(row.readMiBps).toBeGreaterThan(0)
  })
})

describe('the s3fs command in a terminal', () => {
  let proxy: FaultProxy
  // A tmux server of its own per terminal (a new one on a killed one's socket can race its exit).
  let session = ''

  beforeAll(async () => {
    // Each request answered 400 ms late, so that a transfer lasts long enough to watch and interrupt
    // (at least three round trips: create, parts, complete).
    proxy = await startFaultProxy(server.port)
    proxy.setPlan({ kind: 'latency', every: 1, latencyMs: 400 })
  })
  afterAll(async () => {
    await proxy.close()
  })

  function tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' })
  }

  /**
   * Runs the command in a fresh tmux pane, under bash, which (unlike dash, often /bin/sh) carries on
   * after a child that handled Ctrl-C itself, to print its exit status. Returns a screen reader.
   */
  function inTerminal(args: string[]): () => string {
    session = `s3fs-cli-${process.pid}-${Math.random().toString(36).slice(2, 10)}`
    const env = { ...testEnv(), S3_ENDPOINT: proxy.endpoint, PATH: process.env.PATH ?? '' }
    const command = `${[process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ')}; echo "EXIT:$?"; sleep 60`
    tmux('new-session', '-d', '-s', session, '-x', '150', '-y', '10', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), 'bash', '-c', command)
    return () => tmux('capture-pane', '-p', '-t', session)
  }

  async function waitFor(screen: () => string, predicate: (text: string) => boolean, what: string): Promise<string> {
    const deadline = Date.now() + 30_000
    for (;;) {
      const text = screen()
      if (predicate(text)) return text
      if (Date.now() > deadline) throw new Error(`${what} did not appear; the screen:\n${text}`)
      await new Promise((resolve) => setTimeout(resolve, 40))
    }
  }

  test('a transfer shows a progress bar (bytes, rate, ETA) and clears it when done', async () => {
    const dir = path.join(local, 'bar')
    mkdirSync(dir)
    for (let i = 0; i < 12; i++) writeFileSync(path.join(dir, `f${i}.bin`), randomData(MiB))
    const prefix = uniquePrefix('cli-bar')
    const screen = inTerminal(['cp', '-r', dir, url(`${prefix}/`)])
    try {
      const during = await waitFor(screen, (text) => /upload .*\d+% \| [\d.]+ \w+ \/ 12 MiB \| [\d.]+ \w+\/s \| ETA \d+s/.test(text), 'the progress bar')
      expect(during).not.toContain('EXIT:')
      const after = await waitFor(screen, (text) => text.includes('EXIT:'), 'the end of the command')
      expect(after).toContain('copied 12 files (12 MiB)')
      expect(after).toContain('EXIT:0')
      expect(after).not.toMatch(/%\s*\|/)
    } finally {
      tmux('kill-server')
    }
    expect(await fs.readdir(url(`${prefix}/bar`))).toHaveLength(12)
  })

  test('Ctrl-C aborts an upload: exit 130, no object, no multipart upload left', async () => {
    const file = path.join(local, 'interrupted.bin')
    writeFileSync(file, randomData(48 * MiB))
    const key = `${uniquePrefix('cli-interrupt')}/interrupted.bin`
    const screen = inTerminal(['cp', file, url(key)])
    try {
      // Under way: the bar shows bytes moving, and the upload has not completed.
      const during = await waitFor(screen, (text) => /upload .*\d+% \|/.test(text), 'the progress bar')
      expect(during).not.toContain('copied')
      tmux('send-keys', '-t', session, 'C-c')
      const after = await waitFor(screen, (text) => text.includes('EXIT:'), 'the end of the command')
      expect(after).toContain('s3fs: interrupted')
      expect(after).toContain('EXIT:130')
    } finally {
      tmux('kill-server')
    }
    expect(await fs.exists(url(key))).toBe(false)
    await expectNoMultipartUploads(key)
  })
})
