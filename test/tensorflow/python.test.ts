import { execFile, execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { beforeAll, describe, expect, test } from 'vitest'

import { tensorflowPluginPath } from '../../lib/index.js'
import { expectScenario, type Outcome, scenarioFile } from '../conformance-scenario.js'
import { startFaultProxy } from '../server/fault-proxy.js'
import { expectNoMultipartUploads, server, uniquePrefix, url } from '../helpers.js'

// Python TensorFlow (current tensorflow-cpu from PyPI, in a venv scripts/tf-python.sh makes and
// caches) with the plugin registered by tf.experimental.register_filesystem_plugin.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const surface = path.join(root, 'test', 'tensorflow', 'tf_surface.py')
let python = ''
let plugin = ''

/** TensorFlow's error class for each Node-style code, as the plugin maps them. */
const TF_ERRORS: Record<string, string> = {
  ENOENT: 'NotFoundError',
  EISDIR: 'FailedPreconditionError',
  ENOTEMPTY: 'FailedPreconditionError',
  EEXIST: 'AlreadyExistsError',
}

/** TensorFlow's environment for the plugin, pointed at `endpoint` (the server, or a proxy in front of it). */
function tensorFlowEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    TF_CPP_MIN_LOG_LEVEL: '2',
  }
}

function runTensorFlow(...args: string[]): unknown {
  const output = execFileSync(python, [surface, plugin, ...args], { encoding: 'utf8', env: tensorFlowEnv(server.endpoint), maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(output)
}

beforeAll(() => {
  python = execFileSync('bash', [path.join(root, 'scripts', 'tf-python.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  plugin = tensorflowPluginPath()
}, 15 * 60_000)

describe('Python TensorFlow with the plugin', () => {
  test('the conformance scenario through tf.io.gfile', () => {
    const outcomes = runTensorFlow('scenario', url(uniquePrefix('tf-conformance')), scenarioFile) as Outcome[]
    expectScenario(outcomes, (code) => TF_ERRORS[code] ?? code)
  })

  test('TFRecord datasets, summaries read by TensorBoard, a SavedModel, GFile seek, append, flush, and a dropped writer', async () => {
    const prefix = uniquePrefix('tf-workloads')
    const result = runTensorFlow('workloads', url(prefix)) as {
      tfrecords: { plain: number[]; gzip: number[]; gzipMagic: string }
      summaries: { files: string[]; loss: Array<[number, number]> }
      savedModel: { prediction: number[][]; files: string[] }
      gfile: Record<string, unknown>
    }
    const ids = Array.from({ length: 100 }, (_, i) => i)
    expect(result.tfrecords.plain).toEqual(ids)
    expect(result.tfrecords.gzip).toEqual(ids)
    expect(result.tfrecords.gzipMagic).toBe('1f8b')

    expect(result.summaries.files).toHaveLength(1)
    expect(result.summaries.files[0]).toMatch(/^events\.out\.tfevents\./)
    expect(result.summaries.loss.map(([step]) => step)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    result.summaries.loss.forEach(([step, value]) => expect(value).toBeCloseTo(1 / (step + 1), 6))

    expect(result.savedModel.prediction).toEqual([[5]])
    expect(result.savedModel.files).toEqual(expect.arrayContaining(['saved_model.pb', 'variables']))

    const mib = 1 << 20
    expect(result.gfile).toMatchObject({
      visibleAfterFlush: 500_000,
      wholeMatches: true,
      appended: 'one,two',
      deepIsDir: true,
      bigSizesAfterFlushes: [3 * mib, 6 * mib, 12 * mib],
      bigMatches: true,
      droppedExists: false,
    })
    expect(result.gfile.middle).toBe(result.gfile.expectedMiddle)
    // MinIO lists in-progress uploads by exact key only, so each multipart-written key is asked about.
    for (const key of ['extras/seek.bin', 'extras/big.bin', 'extras/dropped.bin']) await expectNoMultipartUploads(`${prefix}/${key}`)
  })

  // The answer to CreateMultipartUpload is lost (the connection resets after the server made the
  // upload) for the first create and then one in two: the plugin's retry gets a second upload, and
  // the first, which nobody would complete, must be found and aborted.
  test('a multipart write whose create answer was lost leaves no upload behind', async () => {
    const prefix = uniquePrefix('tf-lost-create')
    const proxy = await startFaultProxy(server.port)
    try {
      proxy.setPlan({ kind: 'reset-response', every: 2, matches: (method, target) => method === 'POST' && /[?&]uploads(=|&|$)/.test(target) })
      const result = (await new Promise((resolve, reject) => {
        // execFileSync would block the event loop this test's proxy runs on.
        execFile(python, [surface, plugin, 'multipart', url(prefix)], { encoding: 'utf8', env: tensorFlowEnv(proxy.endpoint), maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
          error ? reject(error) : resolve(JSON.parse(stdout)),
        )
      })) as { matches: boolean[] }
      expect(result.matches).toEqual([true, true, true])
      expect(proxy.faults).toBeGreaterThanOrEqual(2)
    } finally {
      await proxy.close()
    }
    for (let i = 0; i < 3; i++) await expectNoMultipartUploads(`${prefix}/multipart-${i}.bin`)
  })
})
