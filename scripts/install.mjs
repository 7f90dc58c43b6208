// npm's install step. When a prebuilt addon for this platform (prebuilds/, shipped in the package) or
// a local build loads, there is nothing to do: no compiler, no network, no root. When none matches,
// the install still succeeds and the pure-JS backend serves; this says so once. Only
// S3FS_BUILD_FROM_SOURCE=1 (or `npm rebuild --build-from-source`) builds the addon, and a build that
// was asked for and fails fails the install, saying what is missing.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function loadError() {
  try {
    require('node-gyp-build')(root)
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error)
  }
}

function platformName() {
  const glibc = process.report?.getReport().header.glibcVersionRuntime
  const libc = process.platform === 'linux' ? (glibc ? ` (glibc ${glibc})` : ' (musl)') : ''
  return `${process.platform}-${process.arch}${libc}`
}

const fromSource = process.env.S3FS_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true'

if (!fromSource) {
  const reason = loadError()
  if (reason === undefined) process.exit(0)
  console.warn(
    `s3fs-native: no native addon for ${platformName()} (${reason}); the pure-JS backend will serve. ` +
      'Prebuilt addons ship for linux-x64 and linux-arm64 with glibc 2.28 or newer. To build the native ' +
      'one from source: S3FS_BUILD_FROM_SOURCE=1 npm rebuild s3fs-native --foreground-scripts',
  )
  process.exit(0)
}

const build = spawnSync('bash', [path.join(root, 'scripts', 'build-native.sh')], { cwd: root, stdio: 'inherit' })
if (build.error !== undefined) {
  console.error(`s3fs-native: building from source needs bash (${build.error.message}).`)
  process.exit(1)
}
if (build.status !== 0) {
  console.error('s3fs-native: the build from source failed (the reason is above). Without it the pure-JS backend serves.')
  process.exit(build.status ?? 1)
}
const reason = loadError()
if (reason !== undefined) {
  console.error(`s3fs-native: the addon was built but does not load: ${reason}`)
  process.exit(1)
}
