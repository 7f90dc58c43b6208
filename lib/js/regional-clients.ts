import { Readable } from 'node:stream'

import type { S3Client } from '@aws-sdk/client-s3'

import type { ResolvedConfig } from '../config.js'
import { createS3Client } from './client.js'

/**
 * One S3Client per region the filesystem's buckets are in: a bucket's requests are signed for (and,
 * on AWS, sent to) the region S3 named when a request for it was signed for another, else the
 * configured one. The SDK's own followRegionRedirects swaps the shared client's region while a request
 * is in flight, which concurrent requests to other buckets would see, and learns nothing for the next.
 */
export class RegionalClients {
  readonly #config: ResolvedConfig
  readonly #clients = new Map<string, S3Client>()
  readonly #bucketRegions = new Map<string, string>()

  constructor(config: ResolvedConfig) {
    this.#config = config
    this.client(config.region)
  }

  regionOf(bucket: string | undefined): string {
    return (bucket !== undefined && this.#bucketRegions.get(bucket)) || this.#config.region
  }

  client(region: string): S3Client {
    let client = this.#clients.get(region)
    if (client === undefined) {
      client = createS3Client({ ...this.#config, region })
      this.#clients.set(region, client)
    }
    return client
  }

  /**
   * The bucket's region, learned, when `error` is S3 refusing a request signed for `signedFor`:
   * 301 PermanentRedirect from AWS's other regional endpoints, or 400 AuthorizationHeaderMalformed
   * from a regional endpoint or a server with a region, both naming it in x-amz-bucket-region.
   * Undefined for any other failure, and for a request whose body was a stream (it cannot be sent again).
   */
  redirect(error: unknown, command: object, bucket: string | undefined, signedFor: string): string | undefined {
    const e = error as { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } }
    const status = e?.$metadata?.httpStatusCode
    const region = e?.$response?.headers?.['x-amz-bucket-region']
    if (bucket === undefined || region === undefined || region === signedFor || (status !== 301 && status !== 307 && status !== 400)) return undefined
    this.#bucketRegions.set(bucket, region)
    const body = (command as { input?: { Body?: unknown } }).input?.Body
    return body instanceof Readable ? undefined : region
  }

  destroy(): void {
    for (const client of this.#clients.values()) client.destroy()
  }
}
