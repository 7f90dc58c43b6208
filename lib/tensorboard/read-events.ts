import { parseTFRecords } from '../tfrecord/reader.js'
import { DT_DOUBLE, DT_FLOAT, EventProto } from '../tfrecord/protos.js'

export interface DecodedEvent {
  wallTime: number
  step: number
  fileVersion?: string
  values: Array<{
    tag: string
    simpleValue?: number
    /** A TF1-style HistogramProto. */
    histo?: { min: number; max: number; num: number; sum?: number; bucket: number[]; bucketLimit: number[] }
    /** A TF2 histogram (tf.summary.histogram): its buckets' edges and counts. */
    histogram?: Array<{ left: number; right: number; count: number }>
    text?: string
    pluginName?: string
  }>
}

interface DecodedTensor {
  dtype?: number
  stringVal?: Buffer[]
  floatVal?: number[]
  doubleVal?: number[]
  tensorContent?: Buffer
  tensorShape?: { dim?: Array<{ size?: number }> }
}

/** A tensor's numbers, from its typed repeated field or its packed little-endian content. */
function tensorNumbers(tensor: DecodedTensor): number[] {
  if (tensor.dtype === DT_DOUBLE) {
    if (tensor.doubleVal?.length) return tensor.doubleVal
    const content = tensor.tensorContent ?? Buffer.alloc(0)
    return Array.from({ length: Math.floor(content.length / 8) }, (_, i) => content.readDoubleLE(i * 8))
  }
  if (tensor.floatVal?.length) return tensor.floatVal
  const content = tensor.tensorContent ?? Buffer.alloc(0)
  return Array.from({ length: Math.floor(content.length / 4) }, (_, i) => content.readFloatLE(i * 4))
}

/** Decodes an event file's bytes, as TensorBoard reads them: for tests and tools. */
export async function decodeEventFile(bytes: Uint8Array, name = 'events'): Promise<DecodedEvent[]> {
  const events: DecodedEvent[] = []
  for await (const record of parseTFRecords([Buffer.from(bytes)], name)) {
    const e = EventProto.toObject(EventProto.decode(record), { longs: Number, bytes: Buffer, defaults: false }) as {
      wallTime?: number
      step?: number
      fileVersion?: string
      summary?: { value?: Array<{ tag?: string; simpleValue?: number; histo?: DecodedEvent['values'][number]['histo']; tensor?: DecodedTensor; metadata?: { pluginData?: { pluginName?: string } } }> }
    }
    const event: DecodedEvent = {
      wallTime: e.wallTime ?? 0,
      step: e.step ?? 0,
      values: (e.summary?.value ?? []).map((v) => {
        const value: DecodedEvent['values'][number] = { tag: v.tag ?? '' }
        if (v.simpleValue !== undefined) value.simpleValue = v.simpleValue
        if (v.histo !== undefined) {
          // Proto3 leaves zero fields out of the wire form.
          const h = v.histo as Partial<NonNullable<DecodedEvent['values'][number]['histo']>>
          value.histo = { min: h.min ?? 0, max: h.max ?? 0, num: h.num ?? 0, sum: h.sum ?? 0, bucket: h.bucket ?? [], bucketLimit: h.bucketLimit ?? [] }
        }
        if (v.tensor?.stringVal?.[0] !== undefined) value.text = v.tensor.stringVal[0].toString('utf8')
        // TF2 writes scalars as rank-0 float tensors (float_val or 4 bytes of tensor_content).
        const tensor = v.tensor
        if (tensor?.dtype === DT_FLOAT && (tensor.tensorShape?.dim ?? []).length === 0) {
          if (tensor.floatVal?.[0] !== undefined) value.simpleValue = tensor.floatVal[0]
          else if (tensor.tensorContent?.length === 4) value.simpleValue = tensor.tensorContent.readFloatLE(0)
        }
        // TF2 writes a histogram as a [k, 3] tensor of (left edge, right edge, count) rows.
        const dims = tensor?.tensorShape?.dim ?? []
        if (tensor !== undefined && v.metadata?.pluginData?.pluginName === 'histograms' && dims.length === 2 && Number(dims[1]?.size) === 3) {
          const numbers = tensorNumbers(tensor)
          value.histogram = Array.from({ length: Math.floor(numbers.length / 3) }, (_, i) => ({ left: numbers[3 * i]!, right: numbers[3 * i + 1]!, count: numbers[3 * i + 2]! }))
        }
        if (v.metadata?.pluginData?.pluginName !== undefined) value.pluginName = v.metadata.pluginData.pluginName
        return value
      }),
    }
    if (e.fileVersion !== undefined) event.fileVersion = e.fileVersion
    events.push(event)
  }
  return events
}
