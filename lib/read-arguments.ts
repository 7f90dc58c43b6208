import { invalidArgType, S3FsError } from './errors.js'

/**
 * Checks a ranged read's numbers before they reach a backend: each a non-negative safe integer
 * (NaN, fractions and infinities included in what is refused), and the span inside the buffer.
 */
export function checkReadArguments(buffer: Uint8Array, offset: number, length: number, position: number, url: string): void {
  if (!(buffer instanceof Uint8Array)) throw invalidArgType('buffer', 'a Buffer or Uint8Array', buffer)
  for (const [name, value] of [['offset', offset], ['length', length], ['position', position]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new S3FsError('EINVAL', `${name} must be a non-negative integer, got ${value}`, { op: 'read', url })
    }
  }
  if (offset + length > buffer.length) {
    throw new S3FsError('EINVAL', `offset + length (${offset + length}) exceeds the buffer (${buffer.length})`, { op: 'read', url })
  }
}
