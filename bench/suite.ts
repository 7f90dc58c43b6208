// npm run bench: each part in a process of its own, in order; `npm run bench -- --peers` adds the
// comparison with the peer clients (bench/peers.ts), which sets them up on its first run, and
// `-- --curves` the scaling curves (bench/curves.ts).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const parts: Array<[string, string[]]> = [
  ['run.js', []],
  ['tensorflow.js', []],
  ['event-loop.js', []],
  ['soak.js', ['--expose-gc']],
]
if (process.argv.includes('--peers')) parts.push(['peers.js', []])
if (process.argv.includes('--curves')) parts.push(['curves.js', []])

for (const [script, flags] of parts) {
  const { status } = spawnSync(process.execPath, [...flags, path.join(here, script)], { stdio: 'inherit' })
  if (status !== 0) {
    console.error(`bench: ${script} failed (exit ${status})`)
    process.exit(status ?? 1)
  }
}
