export { registerS3Handlers, s3ModelHandler, type S3ModelIOOptions } from './model-io.js'
export { datasetFiles, tfrecordDataset, type TFRecordDatasetOptions } from './dataset.js'
export { parseExample, type FeatureSpec } from './parse-example.js'
export type { Tf } from './tf-types.js'
