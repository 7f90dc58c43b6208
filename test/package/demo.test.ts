import { execFile } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { expect, test } from 'vitest'

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js')

test('npm run demo: the main job end to end on its own MinIO, which it stops', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // No S3 configuration from this machine: the demo brings its own server (the MinIO cache stays).
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('S3_')))
    execFile(process.execPath, [CLI, 'demo'], { env }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
    )
  })
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/Error|Warning/) })
  expect(stdout).toMatch(/MinIO is up at http:\/\/127\.0\.0\.1:\d+; the native backend serves/)
  expect(stdout).toContain('writing a TFRecord dataset')
  expect(stdout).toMatch(/epoch 8: loss \d+\.\d+/)
  expect(stdout).toMatch(/the losses are in s3:\/\/s3fs-demo\/logs\/demo\/events\.out\.tfevents\./)
  expect(stdout).toContain('model.json as application/json')
  const [, before, after] = /prediction for \[1, 1, 1, 1\]: ([\d.-]+) before, ([\d.-]+) after/.exec(stdout)!
  expect(before).toBe(after)
  expect(stdout).toContain('uploaded a local directory to s3://s3fs-demo/checkpoint/: 24 files, 96 MiB')
  expect(stdout).toContain('the copy that came back is byte-identical')
  expect(stdout).toMatch(/native\/js: write [\d.]+x, read [\d.]+x/)
  expect(stdout.trimEnd().endsWith('done: the server is stopped and its data removed')).toBe(true)

  const port = Number(/127\.0\.0\.1:(\d+)/.exec(stdout)![1])
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
  expect(refused).toBe(true)
}, 180_000)
