// The JS backend's check of a whole object's bytes against the checksum the server keeps with it:
// the SDK checks only whole-object GETs, and this backend reads in ranged parts.
import { computeChecksum, type StoredChecksum, WIRE_NAMES } from '../checksums.js'
import { S3FsError } from '../errors.js'

/**
 * Resolves when the bytes match the object's stored full-object checksum, or when there is none to
 * match (a composite checksum is of parts whose boundaries the reader does not know); EBADMSG otherwise.
 * `chunks` is called only when there is a checksum to match: a file stream opened and never read
 * would hold its descriptor, and fail once the file is renamed.
 */
export async function verifyChecksum(
  stored: StoredChecksum | undefined,
  chunks: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  context: { op: string; url: string },
): Promise<void> {
  if (stored === undefined || stored.type !== 'FULL_OBJECT') return
  const computed = await computeChecksum(stored.algorithm, chunks())
  if (computed === stored.value) return
  throw new S3FsError(
    'EBADMSG',
    `the bytes read do not match the object's stored ${WIRE_NAMES[stored.algorithm]} checksum (stored ${stored.value}, read ${computed})`,
    context,
  )
}
