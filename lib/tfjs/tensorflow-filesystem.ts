import { S3FsError } from '../errors.js'
import { loadNativeBinding, tensorflowPluginPath } from '../native.js'

/**
 * Registers s3:// with the libtensorflow that @tensorflow/tfjs-node has loaded, through the
 * TensorFlow filesystem plugin shipped beside the native addon: after it tf.node.loadSavedModel,
 * getMetaGraphsFromSavedModel, summaryFileWriter and the tensorBoard callback take s3:// paths.
 * The plugin reads TensorFlow's environment (S3_ENDPOINT, S3_USE_HTTPS, S3_VERIFY_SSL, AWS_REGION,
 * credentials) at its first s3:// call. Registering again is harmless. Returns the plugin's path.
 */
export function registerS3Filesystem(tf: { getBackend?: () => string }): string {
  const op = 'registerS3Filesystem'
  const backend = tf.getBackend?.()
  if (backend !== 'tensorflow') {
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
  return plugin
}
