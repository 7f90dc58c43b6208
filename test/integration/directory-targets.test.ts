// Writes that would turn a directory into a file, a rename onto itself, and a recursive rm of a
// whole bucket: what a filesystem refuses (or does nothing for), on both backends.
import { afterAll, expect, test } from 'vitest'

import { BUCKET, testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
afterAll(() => fs.close())

test('writeFile, copyFile and rename onto a directory fail with EISDIR and leave it a directory', async () => {
  const prefix = uniquePrefix('dir-target')
  await fs.writeFile(url(`${prefix}/dir/inside.txt`), 'inside')
  await fs.writeFile(url(`${prefix}/file.txt`), 'file')
  await expect(fs.writeFile(url(`${prefix}/dir`), 'clobber')).rejects.toMatchObject({ code: 'EISDIR', url: url(`${prefix}/dir`) })
  await expect(fs.copyFile(url(`${prefix}/file.txt`), url(`${prefix}/dir`))).rejects.toMatchObject({ code: 'EISDIR' })
  await expect(fs.rename(url(`${prefix}/file.txt`), url(`${prefix}/dir`))).rejects.toMatchObject({ code: 'EISDIR' })
  const entries = await fs.readdir(url(prefix), { withFileTypes: true })
  expect(entries.map((e) => [e.name, e.isDirectory()])).toEqual([
    ['dir', true],
    ['file.txt', false],
  ])
  expect((await fs.readFile(url(`${prefix}/file.txt`))).toString()).toBe('file')
})

test('rename onto itself does nothing, as fs.rename does', async () => {
  const prefix = uniquePrefix('rename-self')
  await fs.writeFile(url(`${prefix}/a.txt`), 'same')
  await fs.rename(url(`${prefix}/a.txt`), url(`${prefix}/a.txt`))
  expect((await fs.readFile(url(`${prefix}/a.txt`))).toString()).toBe('same')
  await fs.writeFile(url(`${prefix}/d/x`), 'x')
  await fs.rename(url(`${prefix}/d`), url(`${prefix}/d/`))
  expect(await fs.readdir(url(`${prefix}/d`))).toEqual(['x'])
  await expect(fs.rename(url(`${prefix}/missing`), url(`${prefix}/missing`))).rejects.toMatchObject({ code: 'ENOENT' })
})

test('a recursive rm of a bucket root is refused unless asked for explicitly', async () => {
  const key = url(`${uniquePrefix('bucket-root')}/kept.txt`)
  await fs.writeFile(key, 'kept')
  for (const root of [`s3://${BUCKET}`, `s3://${BUCKET}/`]) {
    const error = await fs.rm(root, { recursive: true }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'EPERM', url: root })
    expect((error as Error).message).toContain('allowBucketRoot')
  }
  expect(await fs.exists(key)).toBe(true)
})
