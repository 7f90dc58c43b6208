import { S3FsError } from '../errors.js'
import { S3FileSystem } from '../fs.js'
import { loadNativeBinding, tensorflowPluginPath } from '../native.js'
import { teachTfjsNodeS3Paths, type TfjsNodeApi } from './tfjs-node-paths.js'

export interface RegisterS3FilesystemOptions {
  /** The filesystem tfjs-node's JavaScript-side path handling uses; default: one configured from the environment. */
  fs?: S3FileSystem
}

/**
 * Registers s3:// with the libtensorflow that @tensorflow/tfjs-node has loaded, through the
 * TensorFlow filesystem plugin shipped beside the native addon: after it tf.node.loadSavedModel,
 * getMetaGraphsFromSavedModel, summaryFileWriter and the tensorBoard callback take s3:// paths.
 * The plugin reads TensorFlow's environment (S3_ENDPOINT, S3_USE_HTTPS, S3_VERIFY_SSL, AWS_REGION,
 * credentials) at its first s3:// call. Registering again is harmless. Returns the plugin's path.
 */
export function registerS3Filesystem(tf: { getBackend?: () => string; node?: object }, options: RegisterS3FilesystemOptions = {}): string {
  const op = 'registerS3Filesystem'
  const backend = tf.getBackend?.()
  if (backend !== 'tensorflow' || tf.node === undefined) {
    throw new S3FsError('EINVAL', `needs @tensorflow/tfjs-node's 'tensorflow' backend, not '${String(backend)}'`, { op, url: '' })
  }
  const plugin = tensorflowPluginPath()
  try {
    loadNativeBinding().registerTensorFlowPlugin(plugin)
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? 'EINVAL'
    const message = (cause as Error).message.replace(/^s3fs-native: /, '')
    throw new S3FsError(code, message, { op, url: plugin, cause })
  }
  let fs = options.fs
  teachTfjsNodeS3Paths(tf.node as TfjsNodeApi, () => (fs ??= new S3FileSystem()))
  return plugin
}
