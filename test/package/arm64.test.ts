// The linux-arm64 prebuild, run by Node's own linux-arm64 build under qemu-aarch64 on Debian's arm64
// C and C++ runtime: a smoke subset against MinIO on loopback, from the packed tarball.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, expect, inject, test } from 'vitest'

import { nativeSmokeResult, packTarball, removeScratch, repoRoot, run, smokeEnv } from './packaging.js'

const server = inject('s3')
let dir: string
let qemu: string
let sysroot: string
let node: string

beforeAll(() => {
  ;[qemu, sysroot, node] = execFileSync('bash', [path.join(repoRoot, 'scripts', 'arm64-runtime.sh')], { encoding: 'utf8' }).trim().split('\n') as [string, string, string]
  const tarball = packTarball()
  dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-arm64-'))
  execFileSync('tar', ['xzf', tarball, '-C', dir])
  removeScratch(path.dirname(tarball))
  // The package's dependencies are plain JavaScript: the repository's own serve every architecture.
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'package', 'node_modules'))
}, 600_000)

afterAll(() => removeScratch(dir))

test('under qemu-aarch64, the arm64 prebuild loads and does stat, multipart writeFile, readFile, readdir and rm', async () => {
  const entry = path.join(dir, 'package', 'dist', 'index.js')
  const smoke = await run(qemu, ['-L', sysroot, node, path.join(repoRoot, 'test', 'fixtures', 'package-smoke.mjs'), entry], {
    env: { ...smokeEnv(server, 'package-arm64'), HOME: dir },
  })
  expect(smoke.status, smoke.stderr).toBe(0)
  expect(smoke.stderr).not.toMatch(/S3FS_NATIVE_UNAVAILABLE/)
  expect(JSON.parse(smoke.stdout)).toEqual(nativeSmokeResult('arm64'))
}, 600_000)
