// `npm install` of the packed tarball into a new project, as a user who is not root, on a PATH with
// no compiler: the prebuilt addon serves; without prebuilds the install still succeeds and the JS
// backend serves with one warning; a from-source build that was asked for names what is missing.
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, expect, inject, test } from 'vitest'

import { packTarball, pathWithoutCompilers, removeScratch, repoRoot, run, runAsUser, scratchDir } from './packaging.js'

const server = inject('s3')
const smokeScript = path.join(repoRoot, 'test', 'fixtures', 'package-smoke.mjs')
const NATIVE_UNAVAILABLE = /no native addon for linux-/g

let tarball: string
let tarballWithoutPrebuilds: string
const scratches: string[] = []

beforeAll(() => {
  tarball = packTarball()
  const unpacked = mkdtempSync(path.join(os.tmpdir(), 's3fs-unpacked-'))
  execFileSync('tar', ['xzf', tarball, '-C', unpacked])
  rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true })
  tarballWithoutPrebuilds = path.join(path.dirname(tarball), 's3fs-native-without-prebuilds.tgz')
  execFileSync('tar', ['czf', tarballWithoutPrebuilds, '-C', unpacked, 'package'])
  chmodSync(tarballWithoutPrebuilds, 0o644)
  rmSync(unpacked, { recursive: true })
}, 120_000)

afterAll(() => {
  for (const dir of [...scratches, path.dirname(tarball)]) removeScratch(dir)
})

/** A new project with no compiler on its PATH, owned by the install user. */
function newProject(label: string): { dir: string; env: Record<string, string> } {
  const dir = scratchDir(label)
  scratches.push(dir)
  const env = { PATH: pathWithoutCompilers(dir) }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `scratch-${label}`, private: true, type: 'module' }))
  copyFileSync(smokeScript, path.join(dir, 'smoke.mjs'))
  if (process.getuid?.() === 0) {
    for (const name of ['package.json', 'smoke.mjs', 'bin']) chownSync(path.join(dir, name), 65534, 65534)
  }
  return { dir, env }
}

async function npmInstall(project: { dir: string; env: Record<string, string> }, tgz: string, extraEnv: Record<string, string> = {}) {
  const started = Date.now()
  const result = await runAsUser('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tgz], project.dir, { ...project.env, ...extraEnv })
  return { ...result, seconds: (Date.now() - started) / 1000 }
}

function runSmoke(project: { dir: string; env: Record<string, string> }, prefix: string) {
  return runAsUser('node', ['smoke.mjs'], project.dir, {
    ...project.env,
    S3_ENDPOINT: server.endpoint,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    SMOKE_PREFIX: prefix,
  })
}

test('the install user is not root and has no compiler or build tool on its PATH', async () => {
  const project = newProject('probe')
  const probe = await runAsUser('sh', ['-c', 'id -u; for t in cc c++ gcc g++ cmake ninja make; do command -v $t; done; true'], project.dir, project.env)
  expect(probe.stdout.trim().split('\n')).toHaveLength(1)
  expect(Number(probe.stdout.trim())).not.toBe(0)
})

test('with the prebuilt addon: installs without building, and the native backend round-trips through MinIO', async () => {
  const project = newProject('prebuilt')
  const install = await npmInstall(project, tarball)
  expect(install.status, install.stderr).toBe(0)
  console.log(`npm install of the tarball with its prebuilds: ${install.seconds.toFixed(1)} s`)
  expect(install.stdout + install.stderr).not.toMatch(NATIVE_UNAVAILABLE)
  const installed = path.join(project.dir, 'node_modules', 's3fs-native')
  expect(existsSync(path.join(installed, 'build'))).toBe(false)
  expect(existsSync(path.join(installed, 'deps'))).toBe(false)
  const du = await run('du', ['-sk', installed, path.join(project.dir, 'node_modules')], { env: { PATH: process.env.PATH ?? '' } })
  const [packageKiB, allKiB] = du.stdout.trim().split('\n').map((line) => Number(line.split(/\s+/)[0]))
  console.log(`installed: the package ${(packageKiB! / 1024).toFixed(1)} MiB, its dependencies ${((allKiB! - packageKiB!) / 1024).toFixed(1)} MiB`)

  const smoke = await runSmoke(project, 'package-prebuilt')
  expect(smoke.status, smoke.stderr).toBe(0)
  expect(smoke.stderr).not.toMatch(/S3FS_NATIVE_UNAVAILABLE/)
  expect(JSON.parse(smoke.stdout)).toEqual({
    backends: ['native', 'native'],
    arch: 'x64',
    size: 12 * 1024 * 1024 + 17,
    sameBytes: true,
    names: ['large.bin', 'small.bin'],
    gone: true,
  })
}, 300_000)

test('without prebuilds: the install succeeds, the JS backend serves, and the warning is printed once', async () => {
  const project = newProject('no-prebuild')
  const install = await npmInstall(project, tarballWithoutPrebuilds)
  expect(install.status, install.stderr).toBe(0)
  const installOutput = install.stdout + install.stderr
  expect(installOutput.match(NATIVE_UNAVAILABLE)).toHaveLength(1)
  expect(installOutput).toContain('S3FS_BUILD_FROM_SOURCE=1 npm rebuild s3fs-native')

  const smoke = await runSmoke(project, 'package-js')
  expect(smoke.status, smoke.stderr).toBe(0)
  expect(JSON.parse(smoke.stdout)).toMatchObject({ backends: ['js', 'js'], sameBytes: true, gone: true })
  // Two filesystems were made; the fallback warning names the platform and the way out, once.
  expect(smoke.stderr.match(/S3FS_NATIVE_UNAVAILABLE/g)).toHaveLength(1)
  expect(smoke.stderr).toMatch(/no native addon loads on linux-x64 \(glibc [\d.]+\)/)
  expect(smoke.stderr).toContain('S3FS_BUILD_FROM_SOURCE=1 npm rebuild s3fs-native')
}, 300_000)

test('a build from source that was asked for, with no build tools, fails naming what is missing', async () => {
  const project = newProject('from-source-no-tools')
  const install = await npmInstall(project, tarballWithoutPrebuilds, { S3FS_BUILD_FROM_SOURCE: '1' })
  expect(install.status).not.toBe(0)
  expect(install.stdout + install.stderr).toMatch(/missing build packages: cmake ninja-build g\+\+/)
  expect(install.stdout + install.stderr).toContain('apt-get install -y cmake ninja-build g++')
}, 300_000)
