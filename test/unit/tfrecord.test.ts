import { describe, expect, test } from 'vitest'

import { decodeExample, encodeExample, frameTFRecord, parseTFRecords } from '../../lib/tfrecord/index.js'

async function collect(bytes: Buffer, chunkSize = 7): Promise<Buffer[]> {
  const chunks = []
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize))
  const out: Buffer[] = []
  for await (const record of parseTFRecords(chunks, 'test.tfrecord')) out.push(record)
  return out
}

describe('TFRecord framing', () => {
  const records = [Buffer.from('first'), Buffer.alloc(0), Buffer.alloc(70_000, 3)]
  const file = Buffer.concat(records.map(frameTFRecord))

  test('round trips, whatever the chunking', async () => {
    for (const chunkSize of [1, 7, 12, 16, 1 << 20]) {
      expect(await collect(file, chunkSize)).toEqual(records)
    }
  })

  test('a flipped data byte is a data CRC error naming the record offset', async () => {
    const corrupt = Buffer.from(file)
    corrupt[12 + 5 + 4 + 12 + 0 + 4 + 12 + 100]! ^= 1
    await expect(collect(corrupt)).rejects.toMatchObject({ code: 'EBADMSG', url: 'test.tfrecord' })
    await expect(collect(corrupt)).rejects.toThrow(`data CRC mismatch at offset ${12 + 5 + 4 + 12 + 4}`)
  })

  test('a flipped length byte is a length CRC error at offset 0', async () => {
    const corrupt = Buffer.from(file)
    corrupt[0]! ^= 0x40
    await expect(collect(corrupt)).rejects.toThrow('length CRC mismatch at offset 0')
  })

  test('a flipped CRC byte is caught too, and a truncated file is an error', async () => {
    const corrupt = Buffer.from(file)
    corrupt[file.length - 1]! ^= 1
    await expect(collect(corrupt)).rejects.toMatchObject({ code: 'EBADMSG' })
    await expect(collect(file.subarray(0, file.length - 3))).rejects.toThrow('truncated record')
  })
})

describe('tf.train.Example', () => {
  test('encodes and decodes every list kind, int64 exactly', () => {
    const record = encodeExample({
      id: { int64List: [1, -2, 2n ** 62n] },
      values: { floatList: [0.5, -1.25] },
      name: { bytesList: ['héllo', new Uint8Array([0, 255])] },
      empty: { int64List: [] },
    })
    const decoded = decodeExample(record)
    expect(decoded.id).toEqual({ kind: 'int64', values: [1n, -2n, 2n ** 62n] })
    expect(decoded.values).toEqual({ kind: 'float', values: Float32Array.from([0.5, -1.25]) })
    expect(decoded.name!.kind).toBe('bytes')
    expect(Buffer.from((decoded.name as { values: Uint8Array[] }).values[0]!).toString()).toBe('héllo')
    expect([...(decoded.name as { values: Uint8Array[] }).values[1]!]).toEqual([0, 255])
  })
})
