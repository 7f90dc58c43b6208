// The addon's own argument checks, below the TypeScript layer: numbers that would become pointers
// or sizes are refused with a RangeError instead of reaching native memory.
import { expect, test } from 'vitest'

import { resolveConfig } from '../../lib/config.js'
import { loadNativeBinding, nativeEngineConfig } from '../../lib/native.js'

test('the native read refuses NaN, fractions, infinities, negatives and spans outside the buffer', () => {
  const { Engine } = loadNativeBinding()
  const engine = new Engine(nativeEngineConfig(resolveConfig({ env: { S3_ENDPOINT: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' } })))
  try {
    const buffer = Buffer.alloc(16)
    for (const value of [NaN, -1, 0.5, Infinity, -Infinity, 2 ** 53]) {
      expect(() => engine.read(1, 'bucket', 'key', buffer, value, 1, 0)).toThrow(RangeError)
      expect(() => engine.read(1, 'bucket', 'key', buffer, 0, value, 0)).toThrow(RangeError)
      expect(() => engine.read(1, 'bucket', 'key', buffer, 0, 1, value)).toThrow(RangeError)
    }
    expect(() => engine.read(1, 'bucket', 'key', buffer, 10, 7, 0)).toThrow(RangeError)
    expect(() => engine.read(1, 'bucket', 'key', buffer, 17, 0, 0)).toThrow(RangeError)
  } finally {
    engine.close()
  }
})
