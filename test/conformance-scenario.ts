import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { expect } from 'vitest'

import type { S3FileSystem } from '../lib/index.js'

/**
 * One scenario of filesystem operations and their expected outcomes, run on every surface: the
 * native and JS backends (test/integration/conformance.test.ts) and TensorFlow through the plugin
 * (test/tensorflow/python.test.ts runs it through tf.io.gfile). Paths are relative to a prefix.
 */
export interface Step {
  op: 'writeFile' | 'readFile' | 'stat' | 'exists' | 'readdir' | 'mkdir' | 'copyFile' | 'rename' | 'glob' | 'rm' | 'rmRecursive'
  path: string
  to?: string
  data?: string
  expect?: unknown
  /** The Node-style code of the error the step must fail with. */
  error?: string
}

/** What a surface reports for one step: its result, or the Node-style code of its error. */
export interface Outcome {
  result?: unknown
  error?: string
}

export const scenarioFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'conformance-scenario.json')
export const scenario = JSON.parse(readFileSync(scenarioFile, 'utf8')) as Step[]

/** Runs the scenario with an S3FileSystem under `base` (an s3:// URL without a trailing slash). */
export async function runOnS3FileSystem(fs: S3FileSystem, base: string): Promise<Outcome[]> {
  const at = (p: string): string => `${base}/${p}`
  const outcomes: Outcome[] = []
  for (const step of scenario) {
    try {
      outcomes.push({ result: await runStep(fs, step, at, base) })
    } catch (error) {
      outcomes.push({ error: (error as { code?: string }).code ?? String(error) })
    }
  }
  return outcomes
}

async function runStep(fs: S3FileSystem, step: Step, at: (p: string) => string, base: string): Promise<unknown> {
  switch (step.op) {
    case 'writeFile':
      return fs.writeFile(at(step.path), step.data ?? '')
    case 'readFile':
      return (await fs.readFile(at(step.path))).toString('utf8')
    case 'stat': {
      const st = await fs.stat(at(step.path))
      return st.isFile() ? { isDirectory: false, size: st.size } : { isDirectory: true }
    }
    case 'exists':
      return fs.exists(at(step.path))
    case 'readdir':
      return (await fs.readdir(at(step.path))).sort()
    case 'mkdir':
      return fs.mkdir(at(step.path))
    case 'copyFile':
      return fs.copyFile(at(step.path), at(step.to!))
    case 'rename':
      return fs.rename(at(step.path), at(step.to!))
    case 'glob':
      return (await fs.glob(at(step.path))).map((u) => u.slice(base.length + 1)).sort()
    case 'rm':
      return fs.rm(at(step.path))
    case 'rmRecursive':
      return fs.rm(at(step.path), { recursive: true })
  }
}

/**
 * Every step's outcome as the scenario expects it, reported step by step. `errorName` turns a
 * Node-style code into the surface's own name for that error (TensorFlow's error classes).
 */
export function expectScenario(outcomes: Outcome[], errorName: (code: string) => string = (code) => code): void {
  const described = (step: Step, i: number): string => `step ${i}: ${step.op} ${step.path}${step.to ? ` -> ${step.to}` : ''}`
  expect(outcomes).toHaveLength(scenario.length)
  scenario.forEach((step, i) => {
    const outcome = outcomes[i]!
    if (step.error !== undefined) {
      expect({ step: described(step, i), error: outcome.error }).toEqual({ step: described(step, i), error: errorName(step.error) })
    } else {
      expect({ step: described(step, i), error: outcome.error }).toEqual({ step: described(step, i), error: undefined })
      if (step.expect !== undefined) expect({ step: described(step, i), result: outcome.result }).toEqual({ step: described(step, i), result: step.expect })
    }
  })
}
