// S3FS_BUILD_FROM_SOURCE=1 builds the addon inside the installed package as a user who is not root,
// with the build packages present: Debian's CRT sources through a private apt state, Node's API
// headers from a package, nothing from anywhere but the package registries.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, expect, inject, test } from 'vitest'

import { nativeSmokeResult, newProject, npmInstall, packTarball, type Project, removeScratch, runAsUser, smokeEnv, withoutPrebuilds } from './packaging.js'

const server = inject('s3')
let tarball: string
let project: Project

beforeAll(() => {
  tarball = withoutPrebuilds(packTarball())
  project = newProject('from-source', { compilers: true })
}, 120_000)

afterAll(() => {
  removeScratch(project.dir)
  removeScratch(path.dirname(tarball))
})

test('as a user who is not root, the rebuild the fallback warning suggests builds the addon and the native backend serves', async () => {
  const install = await npmInstall(project, tarball)
  expect(install.status, install.stderr).toBe(0)
  const started = Date.now()
  // The command the install step and the runtime warning print.
  const rebuild = await runAsUser('npm', ['rebuild', 's3fs-native', '--foreground-scripts'], project.dir, { ...project.env, S3FS_BUILD_FROM_SOURCE: '1' })
  expect(rebuild.status, rebuild.stdout.slice(-3000) + rebuild.stderr.slice(-3000)).toBe(0)
  console.log(`S3FS_BUILD_FROM_SOURCE=1 npm rebuild s3fs-native: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const installed = path.join(project.dir, 'node_modules', 's3fs-native')
  expect(readdirSync(path.join(installed, 'build', 'Release')).filter((f) => f.endsWith('.node'))).toEqual(['s3fs_native.node'])
  expect(existsSync(path.join(installed, 'prebuilds'))).toBe(false)

  const smoke = await runAsUser('node', ['smoke.mjs'], project.dir, { ...project.env, ...smokeEnv(server, 'package-from-source') })
  expect(smoke.status, smoke.stderr).toBe(0)
  expect(JSON.parse(smoke.stdout)).toEqual(nativeSmokeResult('x64'))
}, 900_000)
