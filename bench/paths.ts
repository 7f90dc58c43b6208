// Where the benchmarks' sources and results live, whether run from bench/ or compiled into build/bench.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

/** The repository root. */
export const repoRoot = here.includes(`${path.sep}build${path.sep}`) ? path.resolve(here, '..', '..', '..') : path.resolve(here, '..')

/** bench/ in the repository, where results are written. */
export const benchDir = path.join(repoRoot, 'bench')
