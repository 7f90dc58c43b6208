import { describe, expect, test } from 'vitest'

import { histogramOf } from '../../lib/tensorboard/index.js'

describe('histogramOf', () => {
  test('equal-width buckets whose limits rise to the maximum, counting every value once', () => {
    const h = histogramOf([0, 1, 1, 2, 3, 5, 8], 4)
    expect(h).toMatchObject({ min: 0, max: 8, num: 7, sum: 20, sumSquares: 104, bucketLimit: [2, 4, 6, 8], bucket: [3, 2, 1, 1] })
  })

  test('a constant tensor (zero-initialised biases): limits never go down, all values counted', () => {
    const h = histogramOf([0, 0, 0], 5)
    expect(h.bucketLimit).toEqual([0, 0, 0, 0, 0])
    expect(h.bucket).toEqual([0, 0, 0, 0, 3])
    expect(h).toMatchObject({ min: 0, max: 0, num: 3, sum: 0 })
    const negative = histogramOf([-2.5, -2.5], 30)
    expect(new Set(negative.bucketLimit)).toEqual(new Set([-2.5]))
    expect(negative.bucket.reduce((a, b) => a + b, 0)).toBe(2)
  })

  test('NaN and infinities are refused, as TensorFlow refuses them', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      expect(() => histogramOf([1, bad, 2], 30)).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }))
    }
  })

  test('no values: no buckets', () => {
    expect(histogramOf([], 30)).toMatchObject({ num: 0, bucket: [], bucketLimit: [] })
  })
})
