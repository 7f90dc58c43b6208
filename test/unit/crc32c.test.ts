import { expect, test } from 'vitest'

import { crc32c, maskedCrc32c } from '../../lib/tfrecord/crc32c.js'

test('CRC-32C check values (RFC 3720 test vectors)', () => {
  expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
  expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
  expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e)
  expect(crc32c(new Uint8Array(0))).toBe(0)
})

test('masking as TensorFlow does it (unmask(mask(x)) = x)', () => {
  const data = Buffer.from('tfrecord')
  const masked = maskedCrc32c(data)
  const rot = (masked - 0xa282ead8) >>> 0
  expect((((rot >>> 17) | (rot << 15)) >>> 0)).toBe(crc32c(data))
})
