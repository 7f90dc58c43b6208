import type * as tfc from '@tensorflow/tfjs-core'
import type * as tfdata from '@tensorflow/tfjs-data'

/**
 * The parts of the user's own tfjs instance (@tensorflow/tfjs or @tensorflow/tfjs-node) used here.
 * It is passed in rather than imported, so that the core package never pulls tfjs in, and so that
 * both flavours share one tf.io router registry.
 */
export interface Tf {
  io: Pick<typeof tfc.io, 'registerSaveRouter' | 'registerLoadRouter' | 'getModelArtifactsForJSON' | 'getModelArtifactsInfoForJSON'>
  tensor: typeof tfc.tensor
  data: Pick<typeof tfdata, 'generator'>
  /** 'tensorflow' on tfjs-node, whose libtensorflow can take the s3:// filesystem plugin. */
  getBackend?: () => string
  /** tfjs-node's native functions (loadSavedModel, summaryFileWriter, tensorBoard, ...). */
  node?: object
}

export type { tfc, tfdata }
