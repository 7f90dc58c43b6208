import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { S3FileSystem } from '../fs.js'
import { summaryWriter } from '../tensorboard/index.js'
import { registerS3Handlers, tfrecordDataset } from '../tfjs/index.js'
import type { Tf } from '../tfjs/tf-types.js'
import { encodeExample, TFRecordWriter } from '../tfrecord/index.js'
import { bench, benchTable } from './bench.js'
import { humanBytes } from './format.js'
import { buildMinioScript, startMinio } from './local-minio.js'
import { type Progress, startProgress } from './progress.js'

const BUCKET = 's3fs-demo'
const say = (line: string): void => console.log(line)

/** Builds the MinIO server into the cache unless it is there, saying so and how long it has taken. */
async function ensureMinio(): Promise<void> {
  const started = Date.now()
  const ticker = setInterval(() => process.stderr.write(`  still building MinIO (${Math.round((Date.now() - started) / 1000)} s)\n`), 15_000)
  try {
    await new Promise<void>((resolve, reject) => {
      // The script says on stderr when it builds (a few minutes, once) and prints the binary's path.
      const child = spawn('bash', [buildMinioScript()], { stdio: ['ignore', 'ignore', 'inherit'] })
      child.on('error', reject)
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`building MinIO failed (exit ${code}); it needs Go from your package manager or go.dev`))))
    })
  } finally {
    clearInterval(ticker)
  }
}

/** The user's tfjs, if installed: the demo's model steps need it, the package does not. */
async function loadTf(): Promise<(Tf & typeof import('@tensorflow/tfjs')) | undefined> {
  try {
    return (await import('@tensorflow/tfjs')) as Tf & typeof import('@tensorflow/tfjs')
  } catch {
    return undefined
  }
}

async function modelSteps(tf: Tf & typeof import('@tensorflow/tfjs'), fs: S3FileSystem): Promise<void> {
  // No advice to install tfjs-node in the middle of the demo's output.
  tf.enableProdMode()
  registerS3Handlers(tf, { fs })
  const data = `s3://${BUCKET}/data`
  say(`- writing a TFRecord dataset: 4 files x 256 tf.train.Examples to ${data}/`)
  // y = 3a - 2b + c - d + 0.5: a linear model learns it.
  for (let part = 0; part < 4; part++) {
    const writer = new TFRecordWriter(`${data}/part-${part}.tfrecord`, { fs })
    for (let i = 0; i < 256; i++) {
      const x = Array.from({ length: 4 }, () => Math.random() * 2 - 1)
      const y = 3 * x[0]! - 2 * x[1]! + x[2]! - x[3]! + 0.5
      await writer.write(encodeExample({ x: { floatList: x }, y: { floatList: [y] } }))
    }
    await writer.close()
  }

  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 1 })] })
  model.compile({ optimizer: tf.train.adam(0.1), loss: 'meanSquaredError' })
  const logs = summaryWriter(`s3://${BUCKET}/logs/demo`, { fs })
  const dataset = (await tfrecordDataset(tf, `${data}/part-*.tfrecord`, { fs, features: { x: { type: 'float', shape: [4] }, y: { type: 'float', shape: [1] } } }))
    .map((e) => ({ xs: e.x, ys: e.y }))
    .batch(64)
  say('- training on it with model.fitDataset, the loss logged to TensorBoard')
  await model.fitDataset(dataset, {
    epochs: 8,
    verbose: 0,
    callbacks: {
      onEpochEnd: async (epoch, info) => {
        logs.scalar('loss', info?.loss ?? Number.NaN, epoch)
        if (epoch % 2 === 1) say(`    epoch ${epoch + 1}: loss ${(info?.loss ?? Number.NaN).toFixed(4)}`)
      },
    },
  })
  await logs.close()
  const events = await fs.readdir(`s3://${BUCKET}/logs/demo`)
  say(`    the losses are in s3://${BUCKET}/logs/demo/${events[0]} (tensorboard --logdir s3://${BUCKET}/logs reads it, with S3_ENDPOINT set)`)

  const saved = `s3://${BUCKET}/models/linear`
  await model.save(saved)
  const loaded = await tf.loadLayersModel(`${saved}/model.json`)
  const probe = tf.tensor2d([[1, 1, 1, 1]])
  const before = (model.predict(probe) as import('@tensorflow/tfjs').Tensor).dataSync()[0]!
  const after = (loaded.predict(probe) as import('@tensorflow/tfjs').Tensor).dataSync()[0]!
  const files = await fs.readdir(saved)
  say(`- saved the model to ${saved} (${files.join(', ')}, model.json as ${(await fs.stat(`${saved}/model.json`)).contentType}) and loaded it back:`)
  say(`    prediction for [1, 1, 1, 1]: ${before.toFixed(4)} before, ${after.toFixed(4)} after (the true value is 1.5)`)
  if (before !== after) throw new Error('the model loaded from S3 predicts differently from the one saved')
}

async function directorySteps(fs: S3FileSystem, bar: boolean): Promise<void> {
  const up = mkdtempSync(path.join(os.tmpdir(), 's3fs-demo-up-'))
  const down = mkdtempSync(path.join(os.tmpdir(), 's3fs-demo-down-'))
  try {
    for (let i = 0; i < 24; i++) writeFileSync(path.join(up, `shard-${String(i).padStart(2, '0')}.bin`), randomBytes(4 * 1024 * 1024))
    const target = `s3://${BUCKET}/checkpoint/`
    for (const [label, run] of [
      ['upload', (onProgress: (p: { bytesDone: number; bytesTotal: number }) => void) => fs.upload(up, target, { onProgress })],
      ['download', (onProgress: (p: { bytesDone: number; bytesTotal: number }) => void) => fs.download(target, down, { onProgress })],
    ] as const) {
      let progress: Progress | undefined
      const started = Date.now()
      const summary = await run((p) => {
        progress ??= startProgress(label, p.bytesTotal, bar)
        progress.update(p.bytesDone)
      }).finally(() => progress?.stop())
      const seconds = (Date.now() - started) / 1000
      say(`- ${label === 'upload' ? 'uploaded a local directory to' : 'downloaded it back from'} ${target}: ${summary.files} files, ${humanBytes(summary.bytes)} in ${seconds.toFixed(2)} s`)
    }
    const same = readdirSync(up).every((name) => readFileSync(path.join(up, name)).equals(readFileSync(path.join(down, name))))
    if (!same) throw new Error('the downloaded directory differs from the uploaded one')
    say('    the copy that came back is byte-identical')
  } finally {
    rmSync(up, { recursive: true, force: true })
    rmSync(down, { recursive: true, force: true })
  }
}

/**
 * The main job, end to end, on a MinIO of its own on loopback: a tfjs model saved and loaded through
 * s3://, a TFRecord dataset written and trained from, TensorBoard scalars, a directory up and down,
 * and native against JS timings. Stops its server when done.
 */
export async function demo(options: { bar: boolean }): Promise<void> {
  say('s3fs-native demo: a MinIO server on loopback, in a bucket of its own')
  await ensureMinio()
  const server = await startMinio([BUCKET])
  try {
    const env = {
      S3_ENDPOINT: server.endpoint,
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_REGION: server.region,
      AWS_EC2_METADATA_DISABLED: 'true',
    }
    const fs = new S3FileSystem({ env })
    say(`- MinIO is up at ${server.endpoint}; the ${fs.backend} backend serves`)
    try {
      const tf = await loadTf()
      if (tf === undefined) say('- skipping the TensorFlow.js steps: install @tensorflow/tfjs (or tfjs-node) to see them')
      else await modelSteps(tf, fs)
      await directorySteps(fs, options.bar)
    } finally {
      fs.close()
    }
    say('- native against JS, 32 MiB written and read back, median of 3:')
    const rows = await bench(`s3://${BUCKET}/bench/`, { configuration: { env }, sizeMiB: 32, runs: 3, json: false, signal: new AbortController().signal })
    say(benchTable(rows, 32, 3).replace(/^/gm, '    '))
  } finally {
    await server.stop()
  }
  say('done: the server is stopped and its data removed')
}
