import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type { S3FileSystem } from '../fs.js'

/** The functions of tfjs-node's `tf.node` that handle paths in JavaScript before libtensorflow sees them. */
export interface TfjsNodeApi {
  loadSavedModel(path: string, tags?: string[], signature?: string): Promise<unknown>
  getMetaGraphsFromSavedModel(path: string): Promise<unknown>
  tensorBoard(logdir?: string, args?: unknown): TensorBoardCallbackLike
  summaryFileWriter(logdir: string, ...rest: unknown[]): unknown
}

interface TensorBoardCallbackLike {
  trainWriter: unknown
  valWriter: unknown
  ensureTrainWriterCreated(): void
  ensureValWriterCreated(): void
}

const WRAPPED = Symbol.for('s3fs-native.tfjs-node-s3-paths')

async function withLocalCopy<T>(prefix: string, fetch: (dir: string) => Promise<unknown>, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  try {
    await fetch(dir)
    return await use(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * libtensorflow reads s3:// once the plugin is registered, but three of tfjs-node's functions touch
 * the path in JavaScript first: loadSavedModel and getMetaGraphsFromSavedModel read saved_model.pb
 * with Node's fs, and the tensorBoard callback joins its log directory with path.join, which turns
 * s3://b/logs into s3:/b/logs (a local directory). For s3:// these are wrapped: a SavedModel is
 * fetched into a temporary directory (in parallel), loaded from there and the copy removed; the
 * meta graphs need only saved_model.pb; the callback's writers get proper URLs. Other paths go to
 * tfjs-node untouched. Wrapping twice is a no-op.
 */
export function teachTfjsNodeS3Paths(node: TfjsNodeApi, fs: () => S3FileSystem): void {
  const marked = node as TfjsNodeApi & { [WRAPPED]?: true }
  if (marked[WRAPPED]) return
  const { loadSavedModel, getMetaGraphsFromSavedModel, tensorBoard } = node
  const isS3 = (p: unknown): p is string => typeof p === 'string' && p.startsWith('s3://')
  const trimmed = (url: string): string => url.replace(/\/+$/, '')

  node.loadSavedModel = (modelPath, tags, signature) => {
    if (!isS3(modelPath)) return loadSavedModel(modelPath, tags, signature)
    return withLocalCopy('s3fs-saved-model-', (dir) => fs().download(`${trimmed(modelPath)}/`, dir), (dir) => loadSavedModel(dir, tags, signature))
  }
  node.getMetaGraphsFromSavedModel = (modelPath) => {
    if (!isS3(modelPath)) return getMetaGraphsFromSavedModel(modelPath)
    return withLocalCopy(
      's3fs-saved-model-',
      (dir) => fs().download(`${trimmed(modelPath)}/saved_model.pb`, path.join(dir, 'saved_model.pb')),
      (dir) => getMetaGraphsFromSavedModel(dir),
    )
  }
  node.tensorBoard = (logdir, args) => {
    const callback = tensorBoard(logdir, args)
    if (isS3(logdir)) {
      callback.ensureTrainWriterCreated = () => {
        callback.trainWriter = node.summaryFileWriter(`${trimmed(logdir)}/train`)
      }
      callback.ensureValWriterCreated = () => {
        callback.valWriter = node.summaryFileWriter(`${trimmed(logdir)}/val`)
      }
    }
    return callback
  }
  marked[WRAPPED] = true
}
