// npm's install step: use a prebuilt or already built addon when one loads, otherwise build it
// (scripts/build-native.sh). S3FS_BUILD_FROM_SOURCE=1 always builds.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function loads() {
  try {
    require('node-gyp-build')(root)
    return true
  } catch {
    return false
  }
}

if (process.env.S3FS_BUILD_FROM_SOURCE !== '1' && loads()) process.exit(0)
const build = spawnSync('bash', [path.join(root, 'scripts', 'build-native.sh')], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) {
  console.error('s3fs-native: the native build failed (output above). The pure-JS backend needs no build.')
  process.exit(build.status ?? 1)
}
