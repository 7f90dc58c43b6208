import { S3FsError } from '../errors.js'
import { decodeExample, type Feature } from '../tfrecord/example.js'
import type { tfc, Tf } from './tf-types.js'

/**
 * How one feature becomes a tensor, as tf.io.FixedLenFeature / VarLenFeature say it: a fixed
 * shape (with an optional default when the feature is absent), or a 1-D tensor of whatever is
 * there. int64 becomes int32 (tfjs has no int64); a value outside int32 is an error, not a wrap.
 */
export type FeatureSpec =
  | { type: 'int64' | 'float' | 'bytes'; shape: number[]; default?: Array<number | string> }
  | { type: 'int64' | 'float' | 'bytes'; varLen: true }

/** The element a feature spec decodes to: one tensor per feature name. */
export type ExampleTensors<F extends Record<string, FeatureSpec>> = { [K in keyof F]: tfc.Tensor }

const INT32_MIN = BigInt(-(2 ** 31))
const INT32_MAX = BigInt(2 ** 31 - 1)

function values(feature: Feature, name: string): number[] | Uint8Array[] {
  if (feature.kind === 'bytes') return feature.values
  if (feature.kind === 'float') return Array.from(feature.values)
  return feature.values.map((v) => {
    if (v < INT32_MIN || v > INT32_MAX) throw new S3FsError('ERANGE', `int64 feature '${name}' value ${v} does not fit in int32`, { op: 'parseExample', url: name })
    return Number(v)
  })
}

export function parseExample(tf: Tf, record: Uint8Array, spec: Record<string, FeatureSpec>): Record<string, tfc.Tensor> {
  const features = decodeExample(record)
  const out: Record<string, tfc.Tensor> = {}
  for (const [name, want] of Object.entries(spec)) {
    const feature = features[name]
    const dtype = want.type === 'int64' ? 'int32' : want.type === 'float' ? 'float32' : 'string'
    if (feature !== undefined && feature.kind !== want.type) {
      throw new S3FsError('EINVAL', `feature '${name}' is ${feature.kind}, the spec says ${want.type}`, { op: 'parseExample', url: name })
    }
    if ('varLen' in want) {
      const list = feature === undefined ? [] : values(feature, name)
      out[name] = tf.tensor(list as number[], [list.length], dtype)
      continue
    }
    const count = want.shape.reduce((a, b) => a * b, 1)
    let list: Array<number | string | Uint8Array> = feature === undefined ? [] : values(feature, name)
    if (feature === undefined) {
      if (want.default === undefined) throw new S3FsError('EINVAL', `feature '${name}' is missing and has no default`, { op: 'parseExample', url: name })
      list = want.default
    }
    if (list.length !== count) {
      throw new S3FsError('EINVAL', `feature '${name}' has ${list.length} values, shape [${want.shape.join(', ')}] needs ${count}`, { op: 'parseExample', url: name })
    }
    out[name] = tf.tensor(list as number[], want.shape, dtype)
  }
  return out
}
