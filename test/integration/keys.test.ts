import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, describe, expect, test } from 'vitest'

import { BUCKET, randomData, reference, testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
const client = reference()
const prefix = uniquePrefix('keys')
afterAll(() => {
  fs.close()
  client.destroy()
})

describe('keys are stored exactly as named', () => {
  const names = [
    'with space.bin',
    'unicode-ünïcødé-日本語-🚀.bin',
    'plus+sign.bin',
    'percent%20literal.bin',
    'question?mark.bin',
    'hash#tag.bin',
    'equals=sign&amp.bin',
    'deep/a/b/c/d/e/f/g/h/i/j/k/file.bin',
    "quote'and\"dq(paren)!*~.bin",
    'xml<&>chars.bin',
  ]
  for (const name of names) {
    test(JSON.stringify(name), async () => {
      const key = `${prefix}/${name}`
      const data = randomData(333)
      await fs.writeFile(url(key), data)
      expect((await fs.readFile(url(key))).equals(data)).toBe(true)
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
      expect(head.ContentLength).toBe(333)
      const slash = name.lastIndexOf('/')
      const dir = slash === -1 ? prefix : `${prefix}/${name.slice(0, slash)}`
      const base = slash === -1 ? name : name.slice(slash + 1)
      expect(await fs.readdir(url(dir))).toContain(base)
      await fs.rm(url(key))
      expect(await fs.exists(url(key))).toBe(false)
    })
  }
})

test('a key with "//" reaches the server unnormalised', async () => {
  // MinIO refuses such names (AWS S3 stores them); the refusal proves the key was sent as written,
  // not collapsed to a single slash, and surfaces as a clear EINVAL with the server's code.
  await expect(fs.writeFile(url(`${prefix}/double//slash.bin`), 'x')).rejects.toMatchObject({
    code: 'EINVAL',
    httpStatus: 400,
    s3Code: 'XMinioInvalidObjectName',
  })
  expect(await fs.exists(url(`${prefix}/double/slash.bin`))).toBe(false)
})
