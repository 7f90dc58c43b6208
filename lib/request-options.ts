import { createHash } from 'node:crypto'

import { invalid } from './config-values.js'

export const SSE_CHOICES = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const
export type ServerSideEncryption = (typeof SSE_CHOICES)[number]

/** What real buckets ask of requests, as options; each overrides the variable named beside it. */
export interface RequestOptions {
  /** S3FS_REQUEST_PAYER=requester: every request says the requester pays (requester-pays buckets), as the SDK's RequestPayer. */
  requestPayer?: 'requester'
  /** S3FS_SSE: what new objects are encrypted with: 'AES256' (SSE-S3), 'aws:kms', 'aws:kms:dsse'; default the bucket's. */
  serverSideEncryption?: ServerSideEncryption
  /** S3FS_SSE_KMS_KEY_ID: the KMS key of 'aws:kms' (implied when set alone). */
  sseKmsKeyId?: string
  /**
   * S3FS_SSE_CUSTOMER_KEY (base64): SSE-C, a 256-bit key of yours that S3 encrypts with and never
   * stores; every read, write, stat and copy sends it. Never logged, never in an error.
   */
  sseCustomerKey?: Uint8Array | string
}

export interface ResolvedRequestOptions {
  requesterPays: boolean
  serverSideEncryption: ServerSideEncryption | ''
  sseKmsKeyId: string
  /** base64, or '' for none. */
  sseCustomerKey: string
  sseCustomerKeyMd5: string
}

export function resolveRequestOptions(options: RequestOptions, env: Record<string, string | undefined>): ResolvedRequestOptions {
  const sseKmsKeyId = options.sseKmsKeyId ?? env.S3FS_SSE_KMS_KEY_ID ?? ''
  const sse = options.serverSideEncryption ?? (env.S3FS_SSE || (sseKmsKeyId ? 'aws:kms' : ''))
  if (sse !== '' && !(SSE_CHOICES as readonly string[]).includes(sse)) throw invalid(`S3FS_SSE must be one of ${SSE_CHOICES.join(', ')}, got ${sse}`)
  if (sseKmsKeyId && !sse.startsWith('aws:kms')) throw invalid(`S3FS_SSE_KMS_KEY_ID needs S3FS_SSE aws:kms or aws:kms:dsse, not ${sse}`)

  const given = options.sseCustomerKey ?? env.S3FS_SSE_CUSTOMER_KEY ?? ''
  // Never quoted in the refusal: the key is a secret.
  const key = typeof given === 'string' ? Buffer.from(given, 'base64') : Buffer.from(given)
  if ((given.length > 0 || typeof given !== 'string') && key.length !== 32) throw invalid(`the SSE-C key must be 32 bytes (base64 in S3FS_SSE_CUSTOMER_KEY), got ${key.length}`)
  if (key.length > 0 && sse !== '') throw invalid('SSE-C (a customer key) and S3FS_SSE cannot both be set')

  const payer = options.requestPayer ?? (env.S3FS_REQUEST_PAYER || undefined)
  if (payer !== undefined && payer !== 'requester') throw invalid(`S3FS_REQUEST_PAYER can only be requester, got ${payer}`)
  return {
    requesterPays: payer === 'requester',
    serverSideEncryption: sse as ServerSideEncryption | '',
    sseKmsKeyId,
    sseCustomerKey: key.length > 0 ? key.toString('base64') : '',
    sseCustomerKeyMd5: key.length > 0 ? createHash('md5').update(key).digest('base64') : '',
  }
}

/** A request as far as which configured headers it carries (binding/ops/request_options.cc decides the same). */
export interface RequestShape {
  method: string
  /** Empty for a bucket-level request (listings, DeleteObjects). */
  key: string
  queryNames: string[]
  isCopy: boolean
}

/**
 * The headers the configuration asks a request of this shape to carry: the request payer on
 * every request; the encryption choice where an object is created (PutObject, CopyObject,
 * CreateMultipartUpload); the SSE-C key wherever an object's data or metadata is read or written,
 * and as the copy source's key on copies.
 */
export function configuredHeaders(options: ResolvedRequestOptions, request: RequestShape): Record<string, string> {
  const headers: Record<string, string> = {}
  if (options.requesterPays) headers['x-amz-request-payer'] = 'requester'
  if (request.key === '' || request.method === 'DELETE') return headers
  const has = (name: string): boolean => request.queryNames.includes(name)
  let creates = false
  let customerKey = false
  if (request.method === 'GET' || request.method === 'HEAD') {
    customerKey = request.queryNames.length === 0 || has('versionId')
  } else if (request.method === 'PUT') {
    creates = request.queryNames.length === 0
    customerKey = has('partNumber') || creates
  } else if (request.method === 'POST') {
    creates = has('uploads')
    customerKey = creates || has('uploadId')
  }
  if (creates && options.serverSideEncryption !== '') {
    headers['x-amz-server-side-encryption'] = options.serverSideEncryption
    if (options.sseKmsKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = options.sseKmsKeyId
  }
  if (customerKey && options.sseCustomerKey !== '') {
    for (const prefix of request.isCopy ? ['x-amz-', 'x-amz-copy-source-'] : ['x-amz-']) {
      headers[`${prefix}server-side-encryption-customer-algorithm`] = 'AES256'
      headers[`${prefix}server-side-encryption-customer-key`] = options.sseCustomerKey
      headers[`${prefix}server-side-encryption-customer-key-md5`] = options.sseCustomerKeyMd5
    }
  }
  return headers
}
