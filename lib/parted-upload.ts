// An upload sent part by part through the library's write handle: every multipart upload of the JS
// backend, and the native backend's where the engine's cannot run (a server without ListParts).
import type { Backend, TransferCallOptions } from './backend.js'
import type { S3Path } from './url.js'
import { WriteHandle, type WriteHandleSettings } from './write-handle.js'

/**
 * Parts of `settings.partSize`, `settings.writeConcurrency` at a time, aborted (no parts left) on
 * failure or abort, with a create or completion whose answer was lost handled (multipart.ts).
 */
export async function uploadInParts(
  backend: Backend,
  path: S3Path,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  settings: WriteHandleSettings,
  options?: TransferCallOptions,
): Promise<{ etag: string }> {
  const handle = new WriteHandle(backend, path, settings, options?.attributes)
  let written = 0
  try {
    for await (const chunk of chunks) {
      // write() waits while the parts in flight are at the limit: what it took is about what was sent.
      await handle.write(chunk, options)
      options?.onBytes?.((written += chunk.length))
    }
    await handle.close(options)
    return { etag: handle.etag ?? '' }
  } catch (error) {
    await handle.abort().catch(() => undefined)
    throw error
  }
}
