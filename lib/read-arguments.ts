import { invalidArgType, S3FsError } from './errors.js'

/**
 * Checks a ranged read's numbers before they reach a backend: each a non-negative safe integer
 * (NaN, fractions and infinities included in what is refused), and the span inside the buffer. The
 * position may be a bigint, as node:fs takes it; it is returned as a number.
 */
export function checkReadArguments(buffer: Uint8Array, offset: number, length: number, position: number | bigint, url: string): number {
  if (!(buffer instanceof Uint8Array)) throw invalidArgType('buffer', 'a Buffer or Uint8Array', buffer)
  const at = typeof position === 'bigint' && position >= 0n && position <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(position) : position
  for (const [name, value] of [['offset', offset], ['length', length], ['position', at]] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new S3FsError('EINVAL', `${name} must be a non-negative integer, got ${typeof value === 'bigint' ? `${value}n` : String(value)}`, { op: 'read', url })
    }
  }
  if (offset + length > buffer.length) {
    throw new S3FsError('EINVAL', `offset + length (${offset + length}) exceeds the buffer (${buffer.length})`, { op: 'read', url })
  }
  return at as number
}
