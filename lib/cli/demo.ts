import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { S3FileSystemOptions } from '../config.js'
import { S3FileSystem } from '../fs.js'
import { summaryWriter } from '../tensorboard/index.js'
import { registerS3Handlers, tfrecordDataset } from '../tfjs/index.js'
import type { Tf } from '../tfjs/tf-types.js'
import { encodeExample, TFRecordWriter } from '../tfrecord/index.js'
import { parseS3Url } from '../url.js'
import { bench, benchTable } from './bench.js'
import { humanBytes } from './format.js'
import { buildMinioScript, startMinio } from './local-minio.js'
import { startS3rver } from './local-s3rver.js'
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

async function modelSteps(tf: Tf & typeof import('@tensorflow/tfjs'), fs: S3FileSystem, base: string): Promise<void> {
  // No advice to install tfjs-node in the middle of the demo's output.
  tf.enableProdMode()
  registerS3Handlers(tf, { fs })
  const data = `${base}/data`
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
  const logs = summaryWriter(`${base}/logs/demo`, { fs })
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
  const events = await fs.readdir(`${base}/logs/demo`)
  say(`    the losses are in ${base}/logs/demo/${events[0]} (tensorboard --logdir ${base}/logs reads it)`)

  const saved = `${base}/models/linear`
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

async function directorySteps(fs: S3FileSystem, base: string, bar: boolean): Promise<void> {
  const up = mkdtempSync(path.join(os.tmpdir(), 's3fs-demo-up-'))
  const down = mkdtempSync(path.join(os.tmpdir(), 's3fs-demo-down-'))
  try {
    for (let i = 0; i < 24; i++) writeFileSync(path.join(up, `shard-${String(i).padStart(2, '0')}.bin`), randomBytes(4 * 1024 * 1024))
    const target = `${base}/checkpoint/`
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

/** Where the demo runs its job: an s3:// prefix, the configuration that reaches it, and how it ends. */
interface DemoSite {
  base: string
  configuration: S3FileSystemOptions
  /** Stops a server of the demo's own, or removes what the job wrote under the user's prefix. */
  end(): Promise<void>
}

/**
 * A server of the demo's own on loopback, in a bucket of its own: MinIO, the tests' server; where it
 * cannot be built (no Go), s3rver from npm, which needs nothing but Node.
 */
async function ownServer(): Promise<DemoSite> {
  say('s3fs-native demo: an S3 server on loopback, in a bucket of its own')
  let server: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string; stop(): Promise<void> }
  let name = 'MinIO'
  // s3rver checks no checksums: none are sent to it, rather than a warning that they are ignored.
  let checksum: 'off' | undefined
  try {
    await ensureMinio()
    server = await startMinio([BUCKET])
  } catch (error) {
    say(`- MinIO is not available here (${(error as Error).message}): s3rver, an S3 server from npm, serves instead`)
    server = await startS3rver(BUCKET)
    name = 's3rver'
    checksum = 'off'
  }
  say(`- ${name} is up at ${server.endpoint}`)
  const env = {
    S3_ENDPOINT: server.endpoint,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_REGION: server.region,
    AWS_EC2_METADATA_DISABLED: 'true',
  }
  return {
    base: `s3://${BUCKET}`,
    configuration: { env, ...(checksum ? { checksum } : {}) },
    end: async () => {
      await server.stop()
      say('done: the server is stopped and its data removed')
    },
  }
}

/**
 * A prefix of the user's bucket, configured as every other call of theirs is (environment, profile,
 * instance role); the job writes under a directory of its own there and removes it at the end.
 */
async function usersBucket(url: string): Promise<DemoSite> {
  const parent = parseS3Url(url, 'demo')
  const base = `s3://${parent.bucket}/${parent.key.replace(/\/*$/, '/').replace(/^\/$/, '')}s3fs-demo-${process.pid}-${randomBytes(3).toString('hex')}`
  say(`s3fs-native demo: in your bucket, under ${base}/ (removed at the end)`)
  const fs = new S3FileSystem()
  return {
    base,
    configuration: {},
    end: async () => {
      try {
        await fs.rm(`${base}/`, { recursive: true, force: true })
        if (await fs.exists(`${base}/`)) throw new Error(`the demo could not remove everything it wrote under ${base}/`)
      } finally {
        fs.close()
      }
      say(`done: everything the demo wrote under ${base}/ is removed`)
    },
  }
}

/**
 * The main job, end to end: a tfjs model saved and loaded through s3://, a TFRecord dataset written
 * and trained from, TensorBoard scalars, a directory up and down, and native against JS timings; on
 * a MinIO of its own on loopback, or, given an s3:// prefix, in the user's bucket.
 */
export async function demo(options: { bar: boolean; url?: string }): Promise<void> {
  const site = options.url === undefined ? await ownServer() : await usersBucket(options.url)
  try {
    const fs = new S3FileSystem(site.configuration)
    say(`- the ${fs.backend} backend serves`)
    try {
      const tf = await loadTf()
      if (tf === undefined) say('- skipping the TensorFlow.js steps: install @tensorflow/tfjs (or tfjs-node) to see them')
      else await modelSteps(tf, fs, site.base)
      await directorySteps(fs, site.base, options.bar)
    } finally {
      fs.close()
    }
    say('- native against JS, 32 MiB written and read back, median of 3:')
    const rows = await bench(`${site.base}/bench/`, { configuration: site.configuration, sizeMiB: 32, runs: 3, json: false, signal: new AbortController().signal })
    say(benchTable(rows, 32, 3).replace(/^/gm, '    '))
  } finally {
    await site.end()
  }
}
