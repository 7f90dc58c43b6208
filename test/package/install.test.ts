// `npm install` of the packed tarball into a new project, as a user who is not root, on a PATH with
// no compiler: the prebuilt addon serves; without prebuilds the install still succeeds and the JS
// backend serves with one warning; a from-source build that was asked for names what is missing.
import { existsSync } from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, expect, inject, test } from 'vitest'

import {
  nativeSmokeResult,
  newProject,
  npmInstall,
  packTarball,
  type Project,
  removeScratch,
  run,
  runAsUser,
  smokeEnv,
  withoutPrebuilds,
} from './packaging.js'

const server = inject('s3')
const NATIVE_UNAVAILABLE = /no native addon for linux-/g

let tarball: string
let tarballWithoutPrebuilds: string
const projects: Project[] = []

beforeAll(() => {
  tarball = packTarball()
  tarballWithoutPrebuilds = withoutPrebuilds(tarball)
}, 120_000)

afterAll(() => {
  for (const project of projects) removeScratch(project.dir)
  removeScratch(path.dirname(tarball))
})

function projectWithoutCompilers(label: string): Project {
  const project = newProject(label, { compilers: false })
  projects.push(project)
  return project
}

function runSmoke(project: Project, prefix: string) {
  return runAsUser('node', ['smoke.mjs'], project.dir, { ...project.env, ...smokeEnv(server, prefix) })
}

test('the install user is not root and has no compiler or build tool on its PATH', async () => {
  const project = projectWithoutCompilers('probe')
  const probe = await runAsUser('sh', ['-c', 'id -u; for t in cc c++ gcc g++ cmake ninja make; do command -v $t; done; true'], project.dir, project.env)
  expect(probe.stdout.trim().split('\n')).toHaveLength(1)
  expect(Number(probe.stdout.trim())).not.toBe(0)
})

test('with the prebuilt addon: installs without building, and the native backend round-trips through MinIO', async () => {
  const project = projectWithoutCompilers('prebuilt')
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
  expect(JSON.parse(smoke.stdout)).toEqual(nativeSmokeResult('x64'))

  // The package's command names the TensorFlow plugin it ships, for register_filesystem_plugin.
  const plugin = await runAsUser(path.join(project.dir, 'node_modules', '.bin', 's3fs'), ['tf-plugin'], project.dir, project.env)
  expect(plugin.status, plugin.stderr).toBe(0)
  expect(plugin.stdout.trim()).toBe(path.join(installed, 'prebuilds', 'linux-x64', 's3fs_tensorflow_plugin.so'))
  // `npx s3fs-native ...` runs the bin named after the package: the same command line.
  const help = await runAsUser(path.join(project.dir, 'node_modules', '.bin', 's3fs-native'), ['--help'], project.dir, project.env)
  expect(help.status, help.stderr).toBe(0)
  for (const command of ['ls', 'cp', 'sync', 'du', 'demo', 'tf-plugin']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
}, 300_000)

test('without prebuilds: the install succeeds, the JS backend serves, and the warning is printed once', async () => {
  const project = projectWithoutCompilers('no-prebuild')
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
  const project = projectWithoutCompilers('from-source-no-tools')
  const install = await npmInstall(project, tarballWithoutPrebuilds, { S3FS_BUILD_FROM_SOURCE: '1' })
  expect(install.status).not.toBe(0)
  expect(install.stdout + install.stderr).toMatch(/missing build packages: cmake ninja-build g\+\+/)
  expect(install.stdout + install.stderr).toContain('apt-get install -y cmake ninja-build g++')
}, 300_000)
