import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { expect, inject, test } from 'vitest'

import { referenceClient } from '../../lib/cli/local-minio.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const CLI = path.join(root, 'dist/cli.js')
const cacheDir = process.env.S3FS_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 's3fs-native')

/** This machine's environment without its S3 configuration: the demo brings its own server. */
function withoutS3Configuration(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => !entry[0].startsWith('AWS_') && !entry[0].startsWith('S3_') && entry[1] !== undefined))
}

function demo(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'demo', ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }))
  })
}

/** What every run of the demo shows, wherever it runs (`base`, the s3:// prefix it ran under). */
function expectTheMainJob(stdout: string, base: string): void {
  expect(stdout).toContain('the native backend serves')
  expect(stdout).toContain('writing a TFRecord dataset')
  expect(stdout).toMatch(/epoch 8: loss \d+\.\d+/)
  expect(stdout).toContain(`the losses are in ${base}/logs/demo/events.out.tfevents.`)
  expect(stdout).toContain('model.json as application/json')
  const [, before, after] = /prediction for \[1, 1, 1, 1\]: ([\d.-]+) before, ([\d.-]+) after/.exec(stdout)!
  expect(before).toBe(after)
  expect(stdout).toContain(`uploaded a local directory to ${base}/checkpoint/: 24 files, 96 MiB`)
  expect(stdout).toContain('the copy that came back is byte-identical')
  expect(stdout).toMatch(/native\/js: write [\d.]+x, read [\d.]+x/)
}

/** Whether nothing listens on the port the demo's server had. */
function portClosed(stdout: string): Promise<boolean> {
  const port = Number(/is up at http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1])
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

test('npm run demo: the main job end to end on its own MinIO, which it stops', async () => {
  const { code, stdout, stderr } = await demo([], withoutS3Configuration())
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/Error|Warning/) })
  expect(stdout).toMatch(/MinIO is up at http:\/\/127\.0\.0\.1:\d+/)
  expectTheMainJob(stdout, 's3://s3fs-demo')
  expect(stdout.trimEnd().endsWith('done: the server is stopped and its data removed')).toBe(true)
  expect(await portClosed(stdout)).toBe(true)
}, 180_000)

test('the demo on a machine without Go: s3rver from npm serves the same job', async () => {
  // A cache without MinIO (and a PATH without Go), holding the s3rver .ci/run installed: no network.
  const installed = path.join(cacheDir, `s3rver-${/S3RVER_VERSION=(\S+)/.exec(readFileSync(path.join(root, 'scripts/versions.sh'), 'utf8'))![1]}`)
  expect(existsSync(path.join(installed, '.complete'))).toBe(true)
  const cache = mkdtempSync(path.join(os.tmpdir(), 's3fs-demo-cache-'))
  symlinkSync(installed, path.join(cache, path.basename(installed)))
  const env = withoutS3Configuration()
  env.PATH = (env.PATH ?? '')
    .split(':')
    .filter((dir) => !existsSync(path.join(dir, 'go')))
    .join(':')
  env.S3FS_CACHE_DIR = cache
  try {
    const { code, stdout, stderr } = await demo([], env)
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/Error|Warning/) })
    expect(stdout).toMatch(/MinIO is not available here \(.*needs Go.*\): s3rver, an S3 server from npm, serves instead/)
    expect(stdout).toMatch(/s3rver is up at http:\/\/127\.0\.0\.1:\d+/)
    expectTheMainJob(stdout, 's3://s3fs-demo')
    expect(stdout.trimEnd().endsWith('done: the server is stopped and its data removed')).toBe(true)
    expect(await portClosed(stdout)).toBe(true)
    expect(readdirSync(cache)).toEqual([path.basename(installed)])
  } finally {
    rmSync(cache, { recursive: true, force: true })
  }
}, 180_000)

test("the demo in the user's own bucket: the same job under a prefix, everything it wrote removed", async () => {
  const server = inject('s3')
  const prefix = `demo-own-bucket-${process.pid}`
  const env = { ...withoutS3Configuration(), S3_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' }
  const { code, stdout, stderr } = await demo([`s3://s3fs-test/${prefix}/`], env)
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/Error|Warning/) })
  const base = /in your bucket, under (s3:\/\/\S+)\/ \(removed at the end\)/.exec(stdout)![1]!
  expect(base).toMatch(new RegExp(`^s3://s3fs-test/${prefix}/s3fs-demo-\\d+-[0-9a-f]{6}$`))
  expectTheMainJob(stdout, base)
  expect(stdout.trimEnd().endsWith(`done: everything the demo wrote under ${base}/ is removed`)).toBe(true)
  const client = referenceClient(server)
  try {
    const left = await client.send(new ListObjectsV2Command({ Bucket: 's3fs-test', Prefix: `${prefix}/` }))
    expect(left.Contents ?? []).toEqual([])
  } finally {
    client.destroy()
  }
}, 180_000)
