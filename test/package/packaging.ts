// What the package tests share: the packed tarball, a scratch project owned by a user who is not
// root, and a PATH on which no compiler or build tool can be found.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
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

/** Runs `npm pack` into a new directory; returns the tarball's path. */
export function packTarball(): string {
  for (const target of prebuildTargets) prebuildFile(target)
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-pack-'))
  chmodSync(dir, 0o755)
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' })
  const name = out.trim().split('\n').pop()!
  return path.join(dir, name)
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

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
