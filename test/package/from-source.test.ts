// S3FS_BUILD_FROM_SOURCE=1 builds the addon inside the installed package as a user who is not root,
// with the build packages present: Debian's CRT sources through a private apt state, Node's API
// headers from a package, nothing from anywhere but the package registries.
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, expect, inject, test } from 'vitest'

import { packTarball, removeScratch, repoRoot, runAsUser, scratchDir } from './packaging.js'

const server = inject('s3')
let tarball: string
let project: string

beforeAll(() => {
  const packed = packTarball()
  const unpacked = mkdtempSync(path.join(os.tmpdir(), 's3fs-unpacked-'))
  execFileSync('tar', ['xzf', packed, '-C', unpacked])
  rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true })
  tarball = path.join(path.dirname(packed), 's3fs-native-source-only.tgz')
  execFileSync('tar', ['czf', tarball, '-C', unpacked, 'package'])
  chmodSync(tarball, 0o644)
  rmSync(unpacked, { recursive: true })
  project = scratchDir('from-source')
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'scratch-from-source', private: true, type: 'module' }))
  copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'package-smoke.mjs'), path.join(project, 'smoke.mjs'))
  if (process.getuid?.() === 0) for (const name of ['package.json', 'smoke.mjs']) chownSync(path.join(project, name), 65534, 65534)
}, 120_000)

afterAll(() => {
  removeScratch(project)
  removeScratch(path.dirname(tarball))
})

test('as a user who is not root, S3FS_BUILD_FROM_SOURCE=1 builds the addon and the native backend serves', async () => {
  const env = { PATH: process.env.PATH ?? '', S3FS_BUILD_FROM_SOURCE: '1' }
  const install = await runAsUser('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], project, env)
  expect(install.status, install.stdout.slice(-3000) + install.stderr.slice(-3000)).toBe(0)
  const installed = path.join(project, 'node_modules', 's3fs-native')
  expect(readdirSync(path.join(installed, 'build', 'Release')).filter((f) => f.endsWith('.node'))).toEqual(['s3fs_native.node'])
  expect(existsSync(path.join(installed, 'prebuilds'))).toBe(false)

  const smoke = await runAsUser('node', ['smoke.mjs'], project, {
    PATH: env.PATH,
    S3_ENDPOINT: server.endpoint,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    SMOKE_PREFIX: 'package-from-source',
  })
  expect(smoke.status, smoke.stderr).toBe(0)
  expect(JSON.parse(smoke.stdout)).toMatchObject({ backends: ['native', 'native'], sameBytes: true, gone: true })
}, 900_000)
