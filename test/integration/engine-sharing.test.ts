import { readFileSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

import { expect, test } from 'vitest'

import type { S3FileSystem } from '../../lib/index.js'
import { testFs, uniquePrefix, url } from '../helpers.js'

const threads = (): number => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1])

test('a filesystem per request is cheap: 1000 live instances that each did a stat hold no more threads than 2', async () => {
  const key = url(`${uniquePrefix('sharing')}/object`)
  const first = testFs()
  await first.writeFile(key, 'x')
  const two = [first, testFs()]
  for (const fs of two) expect((await fs.stat(key)).size).toBe(1)
  const withTwo = threads()

  const many: S3FileSystem[] = []
  for (let i = 0; i < 1000; i++) {
    const fs = testFs()
    many.push(fs)
    await fs.stat(key)
  }
  // Under npm run test:asan the test files run in worker threads of one process, whose thread count
  // then includes the other files' engines: the count is this test's own only in a process of its own.
  if (isMainThread) expect(threads()).toBeLessThanOrEqual(withTwo)

  // Closing one leaves the others serving; a closed one refuses.
  many[0]!.close()
  await expect(many[0]!.stat(key)).rejects.toMatchObject({ code: expect.stringMatching(/^(EBADF|ABORT_ERR)$/) })
  expect((await many[1]!.stat(key)).size).toBe(1)
  for (const fs of [...many, ...two]) fs.close()
})
