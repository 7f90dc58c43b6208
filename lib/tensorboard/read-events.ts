import { parseTFRecords } from '../tfrecord/reader.js'
import { DT_FLOAT, EventProto } from '../tfrecord/protos.js'

export interface DecodedEvent {
  wallTime: number
  step: number
  fileVersion?: string
  values: Array<{ tag: string; simpleValue?: number; histo?: { min: number; max: number; num: number; sum?: number; bucket: number[]; bucketLimit: number[] }; text?: string; pluginName?: string }>
}

/** Decodes an event file's bytes, as TensorBoard reads them: for tests and tools. */
export async function decodeEventFile(bytes: Uint8Array, name = 'events'): Promise<DecodedEvent[]> {
  const events: DecodedEvent[] = []
  for await (const record of parseTFRecords([Buffer.from(bytes)], name)) {
    const e = EventProto.toObject(EventProto.decode(record), { longs: Number, bytes: Buffer, defaults: false }) as {
      wallTime?: number
      step?: number
      fileVersion?: string
      summary?: { value?: Array<{ tag?: string; simpleValue?: number; histo?: DecodedEvent['values'][number]['histo']; tensor?: { dtype?: number; stringVal?: Buffer[]; floatVal?: number[]; tensorContent?: Buffer; tensorShape?: { dim?: unknown[] } }; metadata?: { pluginData?: { pluginName?: string } } }> }
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
        if (v.metadata?.pluginData?.pluginName !== undefined) value.pluginName = v.metadata.pluginData.pluginName
        return value
      }),
    }
    if (e.fileVersion !== undefined) event.fileVersion = e.fileVersion
    events.push(event)
  }
  return events
}
