import { describe, expect, test } from 'vitest'

import { parseS3Url } from '../../lib/url.js'

describe('parseS3Url', () => {
  test('a key with a lone surrogate is EINVAL (no UTF-8 holds it); a whole pair is a key like any other', () => {
    for (const key of ['a\uD800', '\uDC00b', 'x\uDBFFy']) expect(() => parseS3Url(`s3://bucket/${key}`, 'op')).toThrow(expect.objectContaining({ code: 'EINVAL' }))
    expect(parseS3Url('s3://bucket/\uD83D\uDE00.txt', 'op').key).toBe('\uD83D\uDE00.txt')
  })

  test('splits bucket and key, keeping the key verbatim', () => {
    expect(parseS3Url('s3://bucket/a/b.txt', 'op')).toMatchObject({ bucket: 'bucket', key: 'a/b.txt' })
    expect(parseS3Url('s3://bucket/a%20b//c?d#e', 'op')).toMatchObject({ key: 'a%20b//c?d#e' })
    expect(parseS3Url('s3://bucket', 'op')).toMatchObject({ bucket: 'bucket', key: '' })
    expect(parseS3Url('s3://bucket/', 'op')).toMatchObject({ bucket: 'bucket', key: '' })
    expect(parseS3Url('s3://my.bucket-1/dir/', 'op')).toMatchObject({ bucket: 'my.bucket-1', key: 'dir/' })
  })

  test('rejects what is not an s3:// URL with EINVAL naming the URL and operation', () => {
    for (const bad of ['http://b/k', 'S3://b/k', 'b/k', '', 's3://', 's3:///k', 's3://UPPER/k', 's3://a/k', 's3://-bad-/k']) {
      expect(() => parseS3Url(bad, 'stat')).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'stat' }))
    }
    expect(() => parseS3Url('http://b/k', 'stat')).toThrow("stat 'http://b/k'")
  })

  test('limits keys to 1024 UTF-8 bytes', () => {
    expect(parseS3Url(`s3://bucket/${'x'.repeat(1024)}`, 'op').key).toHaveLength(1024)
    expect(() => parseS3Url(`s3://bucket/${'x'.repeat(1025)}`, 'op')).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }))
    expect(() => parseS3Url(`s3://bucket/${'€'.repeat(342)}`, 'op')).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }))
  })
})
