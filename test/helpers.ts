import { randomBytes } from 'node:crypto'

import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { expect, inject } from 'vitest'

import { S3FileSystem, type S3FileSystemOptions } from '../lib/index.js'
import { referenceClient } from '../lib/cli/local-minio.js'

export const BUCKET = 's3fs-test'
export const server = inject('s3')

/** The conformance suite runs every behavioral test once per backend (vitest.config.ts projects). */
export const backendUnderTest = (process.env.S3FS_TEST_BACKEND ?? 'native') as 'native' | 'js'

/** The environment a test runs the library in: a test server (by default the shared one), nothing from the machine. */
export function testEnv(extra: Record<string, string> = {}, target: Pick<typeof server, 'endpoint' | 'accessKeyId' | 'secretAccessKey'> = server): Record<string, string> {
  return {
    S3FS_BACKEND: backendUnderTest,
    S3_ENDPOINT: target.endpoint,
    AWS_ACCESS_KEY_ID: target.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    HOME: '/nonexistent',
    ...extra,
  }
}

export function testFs(options: S3FileSystemOptions = {}): S3FileSystem {
  return new S3FileSystem({ env: testEnv(), ...options })
}

/** A fresh prefix per test so tests never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`
}

export function url(key: string): string {
  return `s3://${BUCKET}/${key}`
}

export function reference() {
  return referenceClient(server)
}

/** A view whose memory was transferred away since (to a worker, say): length 0, its buffer unusable. */
export function detachedView(kind: 'Buffer' | 'Uint8Array' = 'Uint8Array'): Uint8Array {
  const memory = new ArrayBuffer(16)
  const view = kind === 'Buffer' ? Buffer.from(memory) : new Uint8Array(memory)
  structuredClone(memory, { transfer: [memory] })
  return view
}

export function randomData(size: number): Buffer {
  return randomBytes(size)
}

/** Retries an assertion until it passes or the time is up: for effects that settle asynchronously. */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await assertion()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/** Nothing lost: no multipart upload (and so no orphaned part) is left under the key. */
export async function expectNoMultipartUploads(key: string): Promise<void> {
  const client = reference()
  try {
    await eventually(async () => {
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }))
      expect(uploads.Uploads ?? []).toEqual([])
    })
  } finally {
    client.destroy()
  }
}
