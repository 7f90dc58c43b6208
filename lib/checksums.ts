// S3's flexible checksums (x-amz-checksum-*): the names each algorithm goes by on the wire, the
// headers that declare one for a multipart upload, and the stored checksum a response reports.
import { createHash } from 'node:crypto'

import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc'

import type { ChecksumChoice } from './config.js'

export type ChecksumAlgorithm = Exclude<ChecksumChoice, 'off'>

/** A checksum S3 keeps with an object: of the whole object, or (COMPOSITE) of its parts' checksums. */
export interface StoredChecksum {
  algorithm: ChecksumAlgorithm
  /** Base64, as S3 writes it; a composite one ends in `-<parts>`. */
  value: string
  type: 'FULL_OBJECT' | 'COMPOSITE'
}

/** The name in x-amz-checksum-algorithm, in the SDK's parameters and in CompleteMultipartUpload's XML. */
export const WIRE_NAMES: Record<ChecksumAlgorithm, 'CRC64NVME' | 'CRC32C' | 'CRC32' | 'SHA256'> = {
  crc64nvme: 'CRC64NVME',
  crc32c: 'CRC32C',
  crc32: 'CRC32',
  sha256: 'SHA256',
}

const ALGORITHMS = Object.keys(WIRE_NAMES) as ChecksumAlgorithm[]

/** The algorithm a configuration chooses, none when checksums are off. */
export function algorithmOf(choice: ChecksumChoice): ChecksumAlgorithm | undefined {
  return choice === 'off' ? undefined : choice
}

/**
 * What a multipart upload declares when it is created: its parts carry this algorithm, and S3 keeps
 * a full-object CRC (computed from the parts' CRCs, each verified on arrival) or, for SHA-256, which
 * does not combine, a checksum of the parts' checksums.
 */
export function multipartChecksumType(algorithm: ChecksumAlgorithm): StoredChecksum['type'] {
  return algorithm === 'sha256' ? 'COMPOSITE' : 'FULL_OBJECT'
}

export function multipartChecksumHeaders(algorithm: ChecksumAlgorithm | undefined): Array<[string, string]> {
  if (algorithm === undefined) return []
  return [
    ['x-amz-checksum-algorithm', WIRE_NAMES[algorithm]],
    ['x-amz-checksum-type', multipartChecksumType(algorithm)],
  ]
}

/** The header that carries a value of `algorithm`. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm}`
}

/** How many bytes a value of each algorithm has. */
const WIDTHS: Record<ChecksumAlgorithm, number> = { crc64nvme: 8, crc32c: 4, crc32: 4, sha256: 32 }

/** Whether `value` (base64, with a composite's `-<parts>`) has the width of the algorithm it is named for. */
function isWellFormed(algorithm: ChecksumAlgorithm, value: string): boolean {
  const digest = value.replace(/-\d+$/, '')
  return /^[A-Za-z0-9+/]+={0,2}$/.test(digest) && Buffer.from(digest, 'base64').length === WIDTHS[algorithm]
}

/**
 * The stored checksum a response reports, given how to look up a value of each algorithm (a header,
 * an SDK field) and the declared type, if any. A value of the wrong width is no checksum of that
 * algorithm, and none is reported: some servers (moto) answer a copy or a multipart upload with a
 * CRC32 under CRC64NVME's name, against which every read would fail.
 */
export function storedChecksum(valueOf: (algorithm: ChecksumAlgorithm) => string | undefined, declaredType: string | undefined): StoredChecksum | undefined {
  for (const algorithm of ALGORITHMS) {
    const value = valueOf(algorithm)
    if (!value) continue
    if (!isWellFormed(algorithm, value)) return undefined
    const composite = declaredType === 'COMPOSITE' || (declaredType === undefined && /-\d+$/.test(value))
    return { algorithm, value, type: composite ? 'COMPOSITE' : 'FULL_OBJECT' }
  }
  return undefined
}

/** The stored checksum among a response's headers (names lower-cased), if it reports one. */
export function storedChecksumOfHeaders(headers: Record<string, string | undefined>): StoredChecksum | undefined {
  return storedChecksum((algorithm) => headers[checksumHeaderName(algorithm)], headers['x-amz-checksum-type'])
}

/** The checksum of bytes given in order, as S3 writes it (base64). */
export async function computeChecksum(algorithm: ChecksumAlgorithm, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<string> {
  if (algorithm === 'sha256') {
    const hash = createHash('sha256')
    for await (const chunk of chunks) hash.update(chunk)
    return hash.digest('base64')
  }
  const checksum = algorithm === 'crc64nvme' ? new Crc64Nvme() : algorithm === 'crc32c' ? new Crc32c() : new Crc32()
  for await (const chunk of chunks) checksum.update(chunk)
  return Buffer.from(await checksum.digest()).toString('base64')
}
