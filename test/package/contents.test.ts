// What `npm pack` ships, and what the prebuilt binaries ask of the machine that loads them.
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'

import { describe, expect, test } from 'vitest'

import { prebuildFile, prebuildPluginFile, prebuildTargets, repoRoot } from './packaging.js'

interface PackEntry {
  path: string
  size: number
}

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' })
  const [report] = JSON.parse(out) as Array<{ files: PackEntry[] }>
  return report!.files.map((f) => f.path).sort()
}

describe('npm pack', () => {
  const files = packedFiles()

  test('ships compiled ESM with declarations, the prebuilds, the from-source build, LICENSE and README', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/tfjs/index.js', 'dist/tfjs/index.d.ts',
      'CMakeLists.txt', 'vcpkg.json', 'binding/exports.map', 'binding/napi/addon.cc',
      'scripts/install.mjs', 'scripts/build-native.sh', 'scripts/build-crt.sh', 'scripts/versions.sh', 'scripts/install-build-tools.sh', 'scripts/build-minio.sh']) {
      expect(files).toContain(file)
    }
    for (const target of prebuildTargets) {
      expect(files).toContain(path.relative(repoRoot, prebuildFile(target)))
      expect(files).toContain(path.relative(repoRoot, prebuildPluginFile(target)))
    }
    expect(files.filter((f) => f.startsWith('scripts/crt-patches/') && f.endsWith('.patch')).length).toBeGreaterThan(0)
  })

  test('ships no tests, sources, source maps, build output or test-only scripts', () => {
    const unwanted = files.filter((f) =>
      /^(test|bench|lib|build|deps|node_modules|\.ci)\//.test(f) ||
      /\.(js|d\.ts)\.map$/.test(f) ||
      /^scripts\/(test-summary|tf-fixtures|write-our-tf-files|arm64-runtime|prebuild-compile|zig-toolchain|build-openssl)\./.test(f) ||
      /^(tsconfig|vitest)/.test(f),
    )
    expect(unwanted).toEqual([])
  })

  test('package.json: repository, license, keywords and engines filled; cmake-js only for development', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'))
    expect(pkg.repository.url).toMatch(/\S/)
    expect(pkg.license).toBe('Apache-2.0')
    expect(pkg.keywords).toEqual(expect.arrayContaining(['s3', 'tensorflow']))
    expect(pkg.engines.node).toMatch(/>=\s*20/)
    expect(Object.keys(pkg.dependencies)).not.toContain('cmake-js')
    expect(Object.keys(pkg.optionalDependencies ?? {})).not.toContain('cmake-js')
    expect(pkg.devDependencies['cmake-js']).toBeDefined()
    expect(pkg.dependencies['node-gyp-build']).toBeDefined()
  })
})

/** The dynamic section and symbol versions of an ELF file, as objdump reads them (any architecture). */
function elf(file: string): { machine: string; needed: string[]; glibcVersions: string[]; stripped: boolean } {
  const headers = execFileSync('objdump', ['-p', file], { encoding: 'utf8' })
  const needed = [...headers.matchAll(/^\s+NEEDED\s+(\S+)$/gm)].map((m) => m[1]!)
  const symbols = execFileSync('objdump', ['-T', file], { encoding: 'utf8' })
  const glibcVersions = [...new Set([...symbols.matchAll(/\bGLIBC_([\d.]+)\b/g)].map((m) => m[1]!))]
  const sections = execFileSync('readelf', ['-S', '-W', file], { encoding: 'utf8' })
  const machine = /Machine:\s+(.+)/.exec(execFileSync('readelf', ['-h', file], { encoding: 'utf8' }))![1]!.trim()
  return { machine, needed, glibcVersions, stripped: !/\.symtab\b/.test(sections) }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

const ALLOWED_LIBRARIES = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1)$/

// The Node addon and the TensorFlow plugin: each exports its entry points alone.
const binaries = prebuildTargets.flatMap((target) => [
  { name: `${target} addon`, target, file: prebuildFile(target), entryPoints: ['napi_register_module_v1', 'node_api_module_get_api_version_v1'] },
  { name: `${target} TensorFlow plugin`, target, file: prebuildPluginFile(target), entryPoints: ['TF_InitPlugin'] },
])

describe.each(binaries)('prebuilds: $name', ({ target, file, entryPoints }) => {
  const info = elf(file)

  test('is built for its architecture, stripped', () => {
    expect(info.machine).toMatch(target === 'linux-x64' ? /X86-64/ : /AArch64/)
    expect(info.stripped).toBe(true)
    console.log(`${path.relative(repoRoot, file)}: ${(statSync(file).size / 1024 / 1024).toFixed(2)} MiB`)
  })

  test('needs glibc 2.28 at most and no shared library beyond libc, libm, libpthread, libdl, librt and ld-linux', () => {
    expect(info.glibcVersions.length).toBeGreaterThan(0)
    const newest = info.glibcVersions.sort(compareVersions).at(-1)!
    expect(compareVersions(newest, '2.28'), `needs GLIBC_${newest}`).toBeLessThanOrEqual(0)
    expect(info.needed.filter((lib) => !ALLOWED_LIBRARIES.test(lib))).toEqual([])
    expect(info.needed).toContain('libc.so.6')
  })

  test('exports only its entry points', () => {
    const exported = execFileSync('objdump', ['-T', file], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => /\sg\s/.test(line) && !/\*UND\*/.test(line))
      .map((line) => line.trim().split(/\s+/).at(-1))
    expect(exported).toContain(entryPoints[0])
    expect(exported.every((name) => entryPoints.includes(name!))).toBe(true)
  })
})
