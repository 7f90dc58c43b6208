import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { tensorflowPluginPath } from '../../lib/index.js'
import { decodeEventFile } from '../../lib/tensorboard/index.js'
import { registerS3Filesystem, registerS3Handlers, type Tf } from '../../lib/tfjs/index.js'
import { server, testFs, uniquePrefix, url } from '../helpers.js'

// The real @tensorflow/tfjs-node 4.22 on libtensorflow 2.9.1 (scripts/tfjs-node.sh builds it from
// the package registries and caches it), its native paths given s3:// by the plugin.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const fixtures = path.join(root, 'test', 'fixtures', 'tf')
const fs = testFs()
const prefix = uniquePrefix('tfjs-node')

interface TfjsNode extends Tf {
  getBackend(): string
  tensor2d(values: number[][]): { dispose(): void }
  sequential(config: unknown): { compile(config: unknown): void; fit(x: unknown, y: unknown, config: unknown): Promise<unknown>; save(url: string): Promise<unknown> }
  layers: { dense(config: unknown): unknown }
  loadLayersModel(url: string): Promise<{ predict(x: unknown): { dataSync(): Float32Array } }>
  node: {
    loadSavedModel(path: string, tags?: string[], signature?: string): Promise<{ predict(x: unknown): { dataSync(): Float32Array } }>
    getMetaGraphsFromSavedModel(path: string): Promise<Array<{ tags: string[]; signatureDefs: Record<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }> }>>
    summaryFileWriter(logdir: string): { scalar(name: string, value: number, step: number): void; flush(): void }
    tensorBoard(logdir: string, args?: unknown): unknown
  }
}

let tf: TfjsNode

/** What Python's TensorBoard reads from a log directory, through the same plugin. */
function tensorBoardView(logdir: string): Record<string, Record<string, Array<[number, number]>>> {
  const python = execFileSync('bash', [path.join(root, 'scripts', 'tf-python.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  const output = execFileSync(python, [path.join(root, 'test', 'tensorflow', 'tf_surface.py'), tensorflowPluginPath(), 'tensorboard', logdir], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  })
  return JSON.parse(output)
}

beforeAll(async () => {
  const packageDir = execFileSync('bash', [path.join(root, 'scripts', 'tfjs-node.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  // The plugin reads TensorFlow's own environment, as TensorFlow's S3 filesystem does.
  Object.assign(process.env, {
    S3_ENDPOINT: server.endpoint,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    TF_CPP_MIN_LOG_LEVEL: '2',
  })
  tf = createRequire(path.join(packageDir, 'package.json'))(packageDir) as TfjsNode
  await fs.upload(path.join(fixtures, 'saved_model'), url(`${prefix}/saved_model`))
  registerS3Handlers(tf, { fs })
}, 10 * 60_000)
afterAll(() => fs.close())

describe('tfjs-node with s3:// registered in libtensorflow', () => {
  test('runs on libtensorflow, and registering again (either way) is harmless', () => {
    expect(tf.getBackend()).toBe('tensorflow')
    expect(registerS3Filesystem(tf)).toBe(tensorflowPluginPath())
    registerS3Handlers(tf, { fs })
  })

  test('tf.node.loadSavedModel from s3:// loads and predicts', async () => {
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'saved_model', 'expected.json'), 'utf8')) as { input: number[][]; output: number[][] }
    const model = await tf.node.loadSavedModel(url(`${prefix}/saved_model`), ['serve'], 'serving_default')
    const prediction = Array.from(model.predict(tf.tensor2d(expected.input)).dataSync())
    prediction.forEach((value, i) => expect(value).toBeCloseTo(expected.output[0]![i]!, 5))
  })

  test('tf.node.getMetaGraphsFromSavedModel reads the signature from s3://', async () => {
    const graphs = await tf.node.getMetaGraphsFromSavedModel(url(`${prefix}/saved_model`))
    expect(graphs[0]!.tags).toEqual(['serve'])
    expect(Object.keys(graphs[0]!.signatureDefs.serving_default!.inputs)).toEqual(['x'])
    expect(Object.keys(graphs[0]!.signatureDefs.serving_default!.outputs)).toEqual(['y'])
  })

  test('summaryFileWriter writes an event file to s3:// that TensorBoard reads, flush by flush', async () => {
    const logdir = url(`${prefix}/summaries`)
    const writer = tf.node.summaryFileWriter(logdir)
    for (let step = 0; step < 5; step++) writer.scalar('loss', 1 / (step + 1), step)
    writer.flush()
    const seen = tensorBoardView(logdir)['.']!.loss!
    expect(seen.map(([step]) => step)).toEqual([0, 1, 2, 3, 4])
    for (let step = 5; step < 10; step++) writer.scalar('loss', 1 / (step + 1), step)
    writer.flush()
    const files = await fs.readdir(logdir)
    expect(files).toHaveLength(1)
    const events = await decodeEventFile(await fs.readFile(`${logdir}/${files[0]}`))
    const loss = events.flatMap((e) => e.values.filter((v) => v.tag === 'loss').map((v) => [e.step, v.simpleValue!] as const))
    expect(loss.map(([step]) => step)).toEqual(Array.from({ length: 10 }, (_, i) => i))
    loss.forEach(([step, value]) => expect(value).toBeCloseTo(1 / (step + 1), 6))
  })

  test('the tf.node.tensorBoard callback logs training to s3://, and the JS model handlers still load', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] })
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' })
    const x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]])
    const y = tf.tensor2d([[0], [1], [1], [2]])
    const logdir = url(`${prefix}/tensorboard`)
    await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [tf.node.tensorBoard(logdir)] })
    const view = tensorBoardView(logdir)
    expect(Object.keys(view)).toContain('train')
    expect(view.train!.epoch_loss!.map(([step]) => step)).toEqual([1, 2, 3])

    await model.save(url(`${prefix}/layers-model`))
    const loaded = await tf.loadLayersModel(url(`${prefix}/layers-model/model.json`))
    expect(loaded.predict(tf.tensor2d([[1, 1]])).dataSync()).toHaveLength(1)
  })
})
