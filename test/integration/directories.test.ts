import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { BUCKET, reference, testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
const prefix = uniquePrefix('dirs')
afterAll(() => fs.close())

beforeAll(async () => {
  const client = reference()
  const put = (Key: string, Body = 'x') => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }))
  await put(`${prefix}/file.txt`)
  await put(`${prefix}/implicit/child.txt`)
  await put(`${prefix}/marker/`, '')
  for (let i = 0; i < 1005; i++) await put(`${prefix}/many/${String(i).padStart(4, '0')}`)
  client.destroy()
})

describe('stat', () => {
  test('an object is a file with its size', async () => {
    const st = await fs.stat(url(`${prefix}/file.txt`))
    expect(st).toMatchObject({ size: 1 })
    expect([st.isFile(), st.isDirectory()]).toEqual([true, false])
  })
  test('a prefix with keys under it is a directory', async () => {
    const st = await fs.stat(url(`${prefix}/implicit`))
    expect(st.isDirectory()).toBe(true)
    expect(st.isFile()).toBe(false)
    expect((await fs.stat(url(`${prefix}/implicit/`))).isDirectory()).toBe(true)
  })
  test('a dir/ marker alone is a directory', async () => {
    expect((await fs.stat(url(`${prefix}/marker`))).isDirectory()).toBe(true)
  })
  test('the bucket root is a directory', async () => {
    expect((await fs.stat(`s3://${BUCKET}`)).isDirectory()).toBe(true)
    expect((await fs.stat(`s3://${BUCKET}/`)).isDirectory()).toBe(true)
  })
  test('a key prefix that is not a whole path segment is nothing', async () => {
    await expect(fs.stat(url(`${prefix}/impl`))).rejects.toMatchObject({ code: 'ENOENT' })
  })
  test('a missing path is ENOENT and exists() says false', async () => {
    await expect(fs.stat(url(`${prefix}/missing`))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await fs.exists(url(`${prefix}/missing`))).toBe(false)
    expect(await fs.exists(url(`${prefix}/implicit`))).toBe(true)
  })
})

describe('readdir', () => {
  test('lists names relative to the directory, directories without a slash, sorted', async () => {
    expect(await fs.readdir(url(prefix))).toEqual(['file.txt', 'implicit', 'many', 'marker'])
    expect(await fs.readdir(url(`${prefix}/`))).toEqual(['file.txt', 'implicit', 'many', 'marker'])
  })
  test('an empty directory (marker only) has no children', async () => {
    expect(await fs.readdir(url(`${prefix}/marker`))).toEqual([])
  })
  test('reads every page of a large directory', async () => {
    const names = await fs.readdir(url(`${prefix}/many`))
    expect(names).toHaveLength(1005)
    expect(names[0]).toBe('0000')
    expect(names[1004]).toBe('1004')
  })
  test('a file is ENOTDIR, a missing path ENOENT', async () => {
    await expect(fs.readdir(url(`${prefix}/file.txt`))).rejects.toMatchObject({ code: 'ENOTDIR' })
    await expect(fs.readdir(url(`${prefix}/missing`))).rejects.toMatchObject({ code: 'ENOENT' })
  })
  test('the bucket root lists top-level names', async () => {
    expect(await fs.readdir(`s3://${BUCKET}`)).toContain(prefix)
  })
})

describe('file operations on directories', () => {
  test('readFile of a directory is EISDIR', async () => {
    await expect(fs.readFile(url(`${prefix}/implicit`))).rejects.toMatchObject({ code: 'EISDIR' })
    await expect(fs.readFile(url(`${prefix}/implicit/`))).rejects.toMatchObject({ code: 'EISDIR' })
  })
  test('rm of a directory is EISDIR, of a missing key ENOENT unless forced', async () => {
    await expect(fs.rm(url(`${prefix}/implicit`))).rejects.toMatchObject({ code: 'EISDIR' })
    await expect(fs.rm(url(`${prefix}/missing`))).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(fs.rm(url(`${prefix}/missing`), { force: true })).resolves.toBeUndefined()
  })
})
