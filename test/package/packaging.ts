// What the package tests share: the packed tarball, a scratch project owned by a user who is not
// root, and a PATH on which no compiler or build tool can be found.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The targets `npm run prebuild` makes; the package tests need them built. */
export const prebuildTargets = ['linux-x64', 'linux-arm64'] as const

export function prebuildFile(target: (typeof prebuildTargets)[number]): string {
  const dir = path.join(repoRoot, 'prebuilds', target)
  const file = existsSync(dir) ? readdirSync(dir).find((name) => name.endsWith('.node')) : undefined
  if (file === undefined) throw new Error(`no prebuilt addon in ${dir}: run "npm run prebuild" first`)
  return path.join(dir, file)
}

/** The TensorFlow filesystem plugin prebuildify ships beside the addon. */
export function prebuildPluginFile(target: (typeof prebuildTargets)[number]): string {
  const file = path.join(repoRoot, 'prebuilds', target, 's3fs_tensorflow_plugin.so')
  if (!existsSync(file)) throw new Error(`no TensorFlow plugin in prebuilds/${target}: run "npm run prebuild" first`)
  return file
}

/** Runs `npm pack` into a new directory; returns the tarball's path. */
export function packTarball(): string {
  for (const target of prebuildTargets) {
    prebuildFile(target)
    prebuildPluginFile(target)
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-pack-'))
  chmodSync(dir, 0o755)
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' })
  const name = out.trim().split('\n').pop()!
  return path.join(dir, name)
}

/** The same tarball with its prebuilds taken out: what a platform without a prebuild gets. */
export function withoutPrebuilds(tarball: string): string {
  const unpacked = mkdtempSync(path.join(os.tmpdir(), 's3fs-unpacked-'))
  execFileSync('tar', ['xzf', tarball, '-C', unpacked])
  rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true })
  const stripped = tarball.replace(/\.tgz$/, '-without-prebuilds.tgz')
  execFileSync('tar', ['czf', stripped, '-C', unpacked, 'package'])
  chmodSync(stripped, 0o644)
  rmSync(unpacked, { recursive: true })
  return stripped
}

/** The user the install runs as: nobody when the tests run as root, else the user running them. */
const asRoot = process.getuid?.() === 0
const NOBODY = 65534

/** A scratch directory the install user owns. */
export function scratchDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `s3fs-${label}-`))
  chmodSync(dir, 0o755)
  if (asRoot) chownSync(dir, NOBODY, NOBODY)
  return dir
}

/** Build tools a from-source build would need; none may be found on the install user's PATH. */
const BUILD_TOOL = /(^|-)(cc|c\+\+|gcc|g\+\+|cpp|clang|clang\+\+|cmake|ninja|make|zig|ld)(-[\d.]+)?$/

/** A directory of links to everything on PATH except build tools: the PATH of a machine with no compiler. */
export function pathWithoutCompilers(scratch: string): string {
  const bin = path.join(scratch, 'bin')
  mkdirSync(bin)
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir)) {
      if (BUILD_TOOL.test(name) || existsSync(path.join(bin, name))) continue
      symlinkSync(path.join(dir, name), path.join(bin, name))
    }
  }
  return bin
}

/** The registry npm uses here, handed to the install user whose home has no npm configuration. */
const registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim()

export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs a command to its end without blocking the test worker's event loop. */
export function run(command: string, args: string[], options: { cwd?: string; env: Record<string, string>; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000)
    child.once('error', reject)
    child.once('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

/** Runs a command as the install user, in `cwd`, with only `env` (plus its home and npm cache). */
export function runAsUser(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  const fullEnv = { HOME: cwd, npm_config_cache: path.join(cwd, '.npm'), npm_config_registry: registry, npm_config_update_notifier: 'false', ...env }
  const argv = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', command, ...args] : [command, ...args]
  return run(argv[0]!, argv.slice(1), { cwd, env: fullEnv })
}

export interface Project {
  dir: string
  env: Record<string, string>
}

/** A new project owned by the install user, holding the smoke script; with `compilers: false` its PATH has none. */
export function newProject(label: string, options: { compilers: boolean }): Project {
  const dir = scratchDir(label)
  const env = { PATH: options.compilers ? (process.env.PATH ?? '') : pathWithoutCompilers(dir) }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `scratch-${label}`, private: true, type: 'module' }))
  copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'package-smoke.mjs'), path.join(dir, 'smoke.mjs'))
  if (asRoot) for (const name of readdirSync(dir)) chownSync(path.join(dir, name), NOBODY, NOBODY)
  return { dir, env }
}

/** `npm install TARBALL` in the project as the install user, timed. */
export async function npmInstall(project: Project, tarball: string, extraEnv: Record<string, string> = {}): Promise<RunResult & { seconds: number }> {
  const started = Date.now()
  const result = await runAsUser('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], project.dir, { ...project.env, ...extraEnv })
  return { ...result, seconds: (Date.now() - started) / 1000 }
}

interface TestServerAddress {
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
}

/** The environment of the smoke script (test/fixtures/package-smoke.mjs): the test server, a prefix of its own. */
export function smokeEnv(server: TestServerAddress, prefix: string): Record<string, string> {
  return {
    S3_ENDPOINT: server.endpoint,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    SMOKE_PREFIX: prefix,
  }
}

/** What the smoke script prints when the native backend did all of it on `arch`. */
export function nativeSmokeResult(arch: string): object {
  return {
    backends: ['native', 'native'],
    arch,
    size: 12 * 1024 * 1024 + 17,
    sameBytes: true,
    names: ['large.bin', 'small.bin'],
    gone: true,
  }
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
