import { ExampleProto } from './protos.js'

/** One feature of a tf.train.Example, as written. */
export type FeatureInput =
  | { int64List: ReadonlyArray<number | bigint> }
  | { floatList: ReadonlyArray<number> | Float32Array }
  | { bytesList: ReadonlyArray<Uint8Array | string> }

/** One feature as read: int64 values as bigint (exact), floats as Float32Array, bytes as they are. */
export type Feature = { kind: 'int64'; values: bigint[] } | { kind: 'float'; values: Float32Array } | { kind: 'bytes'; values: Uint8Array[] }

interface ExampleObject {
  features?: { feature?: Record<string, { int64List?: { value?: string[] }; floatList?: { value?: number[] }; bytesList?: { value?: Uint8Array[] } }> }
}

export function encodeExample(features: Record<string, FeatureInput>): Uint8Array {
  const feature: Record<string, object> = {}
  for (const [name, input] of Object.entries(features)) {
    if ('int64List' in input) feature[name] = { int64List: { value: input.int64List.map((v) => String(v)) } }
    else if ('floatList' in input) feature[name] = { floatList: { value: Array.from(input.floatList) } }
    else feature[name] = { bytesList: { value: input.bytesList.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v)) } }
  }
  return ExampleProto.encode(ExampleProto.fromObject({ features: { feature } })).finish()
}

export function decodeExample(record: Uint8Array): Record<string, Feature> {
  const example = ExampleProto.toObject(ExampleProto.decode(record), { longs: String, bytes: Buffer, defaults: false }) as ExampleObject
  const out: Record<string, Feature> = {}
  for (const [name, feature] of Object.entries(example.features?.feature ?? {})) {
    if (feature.int64List) out[name] = { kind: 'int64', values: (feature.int64List.value ?? []).map((v) => BigInt(v)) }
    else if (feature.floatList) out[name] = { kind: 'float', values: Float32Array.from(feature.floatList.value ?? []) }
    else if (feature.bytesList) out[name] = { kind: 'bytes', values: feature.bytesList.value ?? [] }
  }
  return out
}
