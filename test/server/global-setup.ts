import type { TestProject } from 'vitest/node'

import { startMinio, type TestServer } from './minio.js'

declare module 'vitest' {
  export interface ProvidedContext {
    s3: { endpoint: string; port: number; accessKeyId: string; secretAccessKey: string; region: string }
  }
}

let server: TestServer | undefined

export async function setup(project: TestProject): Promise<void> {
  server = await startMinio(['s3fs-test'])
  const { endpoint, port, accessKeyId, secretAccessKey, region } = server
  project.provide('s3', { endpoint, port, accessKeyId, secretAccessKey, region })
}

export async function teardown(): Promise<void> {
  await server?.stop()
}
