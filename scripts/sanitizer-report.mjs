// Reads the reports that npm run test:asan's processes wrote and fails on any that concerns us:
// every AddressSanitizer error and every UBSan finding, and each leak whose allocation stack passes
// through the addon (our code and the CRT linked into it). Leaks with no frame there are Node's
// (V8 and libuv do not free everything at exit; Node is not built for LeakSanitizer) or the test
// tools' (sort, bash): they are counted by program and not failed.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const ADDON = 's3fs_native.node'
const dir = process.argv[2]
const findings = []
const foreignLeaks = new Map()
let processesChecked = 0

for (const name of readdirSync(dir).filter((n) => /^(asan|ubsan)\.\d+$/.test(n))) {
  const text = readFileSync(path.join(dir, name), 'utf8')
  processesChecked++
  if (/ERROR: AddressSanitizer|runtime error:|ERROR: UndefinedBehaviorSanitizer/.test(text)) {
    findings.push(`${name}:\n${text}`)
    continue
  }
  for (const block of text.split(/\n(?=(?:Direct|Indirect) leak of )/).slice(1)) {
    const leak = block.split('\n\n')[0]
    if (leak.includes(ADDON)) {
      findings.push(`${name}:\n${leak}`)
    } else {
      const program = /\((\/[^+)]+)\+0x/.exec(leak.split('\n').slice(2).join('\n'))?.[1] ?? 'unknown'
      foreignLeaks.set(program, (foreignLeaks.get(program) ?? 0) + 1)
    }
  }
}

for (const finding of findings) console.error(`--- ${finding}`)
const foreign = [...foreignLeaks].map(([program, n]) => `${n} in ${program}`).join(', ')
console.log(
  `sanitizers: ${findings.length} finding(s) in the addon` +
    (foreign ? `; leaks outside it, not ours: ${foreign}` : '') +
    ` (reports in ${dir})`,
)
process.exit(findings.length === 0 ? 0 : 1)
