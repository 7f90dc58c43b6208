import type { TestProject } from 'vitest/node'

import { startMinio, type MinioServer } from '../../lib/cli/local-minio.js'

declare module 'vitest' {
  export interface ProvidedContext {
    s3: { endpoint: string; port: number; accessKeyId: string; secretAccessKey: string; region: string }
    s3tls: { endpoint: string; port: number; accessKeyId: string; secretAccessKey: string; region: string; caFile: string }
  }
}

let server: MinioServer | undefined
let tlsServer: MinioServer | undefined

export async function setup(project: TestProject): Promise<void> {
  ;[server, tlsServer] = await Promise.all([startMinio(['s3fs-test']), startMinio(['s3fs-test'], { tls: true })])
  const { endpoint, port, accessKeyId, secretAccessKey, region } = server
  project.provide('s3', { endpoint, port, accessKeyId, secretAccessKey, region })
  const tls = tlsServer
  project.provide('s3tls', { endpoint: tls.endpoint, port: tls.port, accessKeyId: tls.accessKeyId, secretAccessKey: tls.secretAccessKey, region: tls.region, caFile: tls.caFile! })
}

export async function teardown(): Promise<void> {
  await Promise.all([server?.stop(), tlsServer?.stop()])
}
