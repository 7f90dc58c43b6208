import { S3FsError } from '../errors.js'
import { S3FileSystem } from '../fs.js'
import { registerS3Filesystem } from './tensorflow-filesystem.js'
import type { Tf, tfc } from './tf-types.js'

type IOHandler = tfc.io.IOHandler
type ModelArtifacts = tfc.io.ModelArtifacts
type ModelJSON = tfc.io.ModelJSON
type WeightsManifestConfig = tfc.io.WeightsManifestConfig

export interface S3ModelIOOptions {
  /** The filesystem to use; default: a new S3FileSystem configured from the environment. */
  fs?: S3FileSystem
  /** Size of each weight shard written by save(); default 4 MiB, as tfjs writes them. */
  weightShardBytes?: number
  /** Where load() finds the weight files; default: beside model.json (or the manifest). */
  weightPathPrefix?: string
  /** Called with the fraction of weight shards loaded, 0 to 1. */
  onProgress?: (fraction: number) => void
}

const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024

function isS3(url: unknown): boolean {
  return typeof url === 'string' ? url.startsWith('s3://') : Array.isArray(url) && url.length > 0 && url.every((u) => typeof u === 'string' && u.startsWith('s3://'))
}

function dirname(url: string): string {
  return url.slice(0, url.lastIndexOf('/'))
}

function modelJsonUrl(url: string): string {
  return url.endsWith('.json') ? url : `${url.replace(/\/+$/, '')}/model.json`
}

/** One exact ArrayBuffer of all the parts: a Buffer's .buffer may be a larger shared pool. */
function concat(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0)
  const out = new Uint8Array(total)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out.buffer
}

function asBytes(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  return Array.isArray(data) ? new Uint8Array(concat(data.map((b) => new Uint8Array(b)))) : new Uint8Array(data)
}

async function readJson(fs: S3FileSystem, url: string): Promise<unknown> {
  const text = (await fs.readFile(url)).toString('utf8')
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new S3FsError('EINVAL', `not valid JSON: ${(cause as Error).message}`, { op: 'loadModel', url, cause })
  }
}

/**
 * A tf.io handler for s3:// models, in the layout tfjs-node's file:// handler uses: `model.json`
 * plus weight files named in its manifest. `url` is the model directory, its model.json, or the
 * two-URL form [model.json, weights_manifest.json].
 */
export function s3ModelHandler(tf: Tf, url: string | string[], options: S3ModelIOOptions = {}): IOHandler {
  const fs = options.fs ?? new S3FileSystem()
  const shardBytes = options.weightShardBytes ?? DEFAULT_SHARD_BYTES

  const load = async (): Promise<ModelArtifacts> => {
    const [topologyUrl, manifestUrl] = Array.isArray(url) ? [url[0]!, url[1]] : [modelJsonUrl(url), undefined]
    const modelJSON = (await readJson(fs, topologyUrl)) as ModelJSON
    if (manifestUrl !== undefined) modelJSON.weightsManifest = (await readJson(fs, manifestUrl)) as WeightsManifestConfig
    if (modelJSON.modelTopology === undefined) throw new S3FsError('EINVAL', 'model.json has no modelTopology', { op: 'loadModel', url: topologyUrl })
    const base = (options.weightPathPrefix ?? dirname(manifestUrl ?? topologyUrl)).replace(/\/+$/, '')
    return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
      const paths = manifest.flatMap((group) => group.paths)
      let loaded = 0
      options.onProgress?.(0)
      const shards = await Promise.all(
        paths.map(async (p) => {
          const bytes = await fs.readFile(`${base}/${p}`)
          options.onProgress?.(++loaded / paths.length)
          return bytes
        }),
      )
      return [manifest.flatMap((group) => group.weights), concat(shards)]
    })
  }

  const save = async (artifacts: ModelArtifacts): Promise<tfc.io.SaveResult> => {
    if (Array.isArray(url)) throw new S3FsError('EINVAL', 'save() takes one model directory URL', { op: 'saveModel', url: url.join(', ') })
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new S3FsError('EINVAL', 'binary model topologies are not supported; save the JSON form', { op: 'saveModel', url })
    }
    const dir = url.endsWith('.json') ? dirname(url) : url.replace(/\/+$/, '')
    const weights = artifacts.weightData === undefined ? new Uint8Array(0) : asBytes(artifacts.weightData)
    const count = Math.max(1, Math.ceil(weights.byteLength / shardBytes))
    const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`)
    await Promise.all(paths.map((p, i) => fs.writeFile(`${dir}/${p}`, weights.subarray(i * shardBytes, (i + 1) * shardBytes))))
    const modelJSON: Record<string, unknown> = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
    }
    for (const key of ['trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
      if (artifacts[key] !== undefined) modelJSON[key] = artifacts[key]
    }
    // model.json last: a model.json that exists names weights that exist.
    await fs.writeFile(modelJsonUrl(url), JSON.stringify(modelJSON))
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
  }

  return { load, save }
}

/** The options each tfjs instance's routers use, by its tf.io: the routers are added once. */
const registered = new WeakMap<object, S3ModelIOOptions & { fs: S3FileSystem }>()

/**
 * Makes tf.loadLayersModel('s3://...'), tf.loadGraphModel('s3://...') and model.save('s3://...')
 * work, in the user's tfjs instance. The routers answer null for every other scheme, so the other
 * handlers (http, file, indexeddb) keep working. Calling it again only replaces the options. On
 * tfjs-node's 'tensorflow' backend it also registers s3:// with libtensorflow itself
 * (registerS3Filesystem), for tf.node.loadSavedModel, summaryFileWriter and the like.
 */
export function registerS3Handlers(tf: Tf, options: S3ModelIOOptions = {}): void {
  const previous = registered.get(tf.io)
  registered.set(tf.io, { ...options, fs: options.fs ?? previous?.fs ?? new S3FileSystem() })
  if (tf.getBackend?.() === 'tensorflow') {
    // The tf.io handlers below serve tfjs's own paths whether or not libtensorflow takes s3://.
    try {
      registerS3Filesystem(tf, { fs: registered.get(tf.io)!.fs })
    } catch (error) {
      process.emitWarning(`s3:// is not registered with libtensorflow, so tf.node's native paths cannot use it: ${(error as Error).message}`, 'S3fsNativeWarning')
    }
  }
  if (previous !== undefined) return
  const current = (): S3ModelIOOptions => registered.get(tf.io)!
  tf.io.registerSaveRouter((url) => (isS3(url) ? s3ModelHandler(tf, url as string, current()) : (null as unknown as IOHandler)))
  tf.io.registerLoadRouter((url, loadOptions) => {
    if (!isS3(url)) return null as unknown as IOHandler
    const perLoad: S3ModelIOOptions = { ...current() }
    if (loadOptions?.onProgress) perLoad.onProgress = loadOptions.onProgress as (fraction: number) => void
    if (loadOptions?.weightPathPrefix) perLoad.weightPathPrefix = loadOptions.weightPathPrefix
    return s3ModelHandler(tf, url, perLoad)
  })
}
