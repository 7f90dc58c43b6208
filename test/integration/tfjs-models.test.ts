import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { registerS3Handlers, s3ModelHandler } from '../../lib/tfjs/index.js'
import { testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
const local = mkdtempSync(path.join(os.tmpdir(), 's3fs-tfjs-'))

beforeAll(async () => {
  await tf.setBackend('cpu')
  registerS3Handlers(tf, { fs, weightShardBytes: 1024 })
})
afterAll(() => {
  fs.close()
  rmSync(local, { recursive: true, force: true })
})

function model(): tf.Sequential {
  const m = tf.sequential()
  m.add(tf.layers.dense({ units: 64, inputShape: [16], activation: 'relu', kernelInitializer: 'glorotUniform' }))
  m.add(tf.layers.dense({ units: 3 }))
  return m
}

const input = tf.tensor2d([Array.from({ length: 16 }, (_, i) => i / 16)])
const predict = (m: tf.LayersModel) => Array.from((m.predict(input) as tf.Tensor).dataSync())

/** tfjs-node's file:// layout, read as its handler reads it: model.json, then the manifest's paths. */
function loadFromLocalDir(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = manifest.flatMap((g) => g.paths).map((p) => readFileSync(path.join(dir, p)))
        const joined = Buffer.concat(buffers)
        return [manifest.flatMap((g) => g.weights), joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)]
      })
    },
  }
}

describe('tfjs models on s3://', () => {
  test('a layers model saves (several shards) and loads with the same predictions', async () => {
    const dir = url(uniquePrefix('model'))
    const m = model()
    const saved = await m.save(dir)
    expect(saved.modelArtifactsInfo.weightDataBytes).toBe((16 * 64 + 64 + 64 * 3 + 3) * 4)
    const names = await fs.readdir(dir)
    expect(names).toContain('model.json')
    expect(names.filter((n) => n.endsWith('.bin')).length).toBeGreaterThan(1)
    const loaded = await tf.loadLayersModel(`${dir}/model.json`)
    expect(predict(loaded)).toEqual(predict(m))
  })

  test('with its optimizer state', async () => {
    const dir = url(uniquePrefix('model-opt'))
    const m = model()
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' })
    await m.fit(tf.ones([4, 16]), tf.zeros([4, 3]), { epochs: 1, verbose: 0 })
    await m.save(dir, { includeOptimizer: true })
    const json = JSON.parse((await fs.readFile(`${dir}/model.json`)).toString()) as tf.io.ModelJSON
    expect(json.trainingConfig).toBeDefined()
    const weightNames = json.weightsManifest.flatMap((g) => g.weights.map((w) => w.name))
    expect(weightNames.some((n) => n.includes('adam') || n.includes('Adam') || n.startsWith('iter'))).toBe(true)
    const loaded = await tf.loadLayersModel(`${dir}/model.json`)
    expect(predict(loaded)).toEqual(predict(m))
    expect(loaded.optimizer).toBeDefined()
  })

  test('loading reports progress and honours weightPathPrefix', async () => {
    const dir = url(uniquePrefix('model-progress'))
    const other = url(uniquePrefix('weights-elsewhere'))
    const m = model()
    await m.save(dir)
    for (const name of (await fs.readdir(dir)).filter((n) => n.endsWith('.bin'))) await fs.copyFile(`${dir}/${name}`, `${other}/${name}`)
    for (const name of (await fs.readdir(dir)).filter((n) => n.endsWith('.bin'))) await fs.rm(`${dir}/${name}`)
    const fractions: number[] = []
    const loaded = await tf.loadLayersModel(`${dir}/model.json`, { onProgress: (f) => void fractions.push(f), weightPathPrefix: other })
    expect(predict(loaded)).toEqual(predict(m))
    expect(fractions[0]).toBe(0)
    expect(fractions.at(-1)).toBe(1)
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions)
  })

  test('the two-URL form [model.json, weights manifest]', async () => {
    const dir = url(uniquePrefix('model-two'))
    const m = model()
    await m.save(dir)
    const json = JSON.parse((await fs.readFile(`${dir}/model.json`)).toString()) as tf.io.ModelJSON
    await fs.writeFile(`${dir}/weights_manifest.json`, JSON.stringify(json.weightsManifest))
    await fs.writeFile(`${dir}/topology.json`, JSON.stringify({ ...json, weightsManifest: undefined }))
    const loaded = await tf.loadLayersModel(s3ModelHandler(tf, [`${dir}/topology.json`, `${dir}/weights_manifest.json`], { fs }))
    expect(predict(loaded)).toEqual(predict(m))
  })

  test('a model saved to s3:// and downloaded loads from the local layout, and back', async () => {
    const dir = url(uniquePrefix('model-files'))
    const m = model()
    await m.save(dir)
    const target = path.join(local, 'downloaded')
    await fs.download(`${dir}/`, target)
    const fromDisk = await tf.loadLayersModel(loadFromLocalDir(target))
    expect(predict(fromDisk)).toEqual(predict(m))
    const again = url(uniquePrefix('model-reuploaded'))
    await fs.upload(target, again)
    expect(predict(await tf.loadLayersModel(`${again}/model.json`))).toEqual(predict(m))
  })

  test('a graph model loads from s3://', async () => {
    const dir = url(uniquePrefix('graph'))
    const graph = {
      format: 'graph-model',
      generatedBy: 'hand',
      convertedBy: null,
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }, { size: '2' }] } } } },
          { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }, { size: '1' }] } } } } },
          { name: 'y', op: 'MatMul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } } },
        ],
        versions: { producer: 1 },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [2, 1], dtype: 'float32' }] }],
    }
    await fs.writeFile(`${dir}/model.json`, JSON.stringify(graph))
    await fs.writeFile(`${dir}/w.bin`, Buffer.from(new Float32Array([2, 3]).buffer))
    const g = await tf.loadGraphModel(`${dir}/model.json`)
    const y = g.predict(tf.tensor2d([[10, 100]])) as tf.Tensor
    expect(Array.from(y.dataSync())).toEqual([320])
  })

  test('other schemes are left to their own handlers (the router answers null)', () => {
    // tfjs's own http router answers http(s); ours must not answer too (two handlers would be an error).
    expect(tf.io.getLoadHandlers('https://example.invalid/model.json')).toHaveLength(1)
    expect(tf.io.getLoadHandlers('file:///tmp/model.json')).toHaveLength(0)
    expect(tf.io.getSaveHandlers('file:///tmp/model')).toHaveLength(0)
    expect(tf.io.getLoadHandlers('s3://b/m/model.json')).toHaveLength(1)
    expect(tf.io.getSaveHandlers('s3://b/m')).toHaveLength(1)
  })
})
