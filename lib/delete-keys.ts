import type { Backend, CallOptions, DeleteFailure } from './backend.js'
import { S3FsError } from './errors.js'
import { Limiter } from './limiter.js'
import { childPath } from './paths.js'

/** Servers (host:port) that refused DeleteObjects: their keys are deleted one by one from then on. */
const withoutBatchDelete = new Set<string>()
/** Single DELETEs in flight at once, when the batch call is not there. */
const SINGLE_DELETES = 16

/** A refusal of the batch call itself (GCS's XML API answers NotImplemented), not of the keys in it. */
function refusesBatchDelete(error: unknown): boolean {
  return error instanceof S3FsError && (error.s3Code === 'NotImplemented' || error.httpStatus === 501 || error.httpStatus === 405)
}

/**
 * Deletes keys of one bucket (at most 1000), batched with DeleteObjects; a server without it is
 * found out at its first refusal, and its keys are deleted one DELETE each, in parallel. The keys
 * that could not be deleted, with why.
 */
export async function deleteKeys(backend: Backend, bucket: string, keys: string[], url: string, options?: CallOptions): Promise<DeleteFailure[]> {
  if (!withoutBatchDelete.has(backend.endpoint)) {
    try {
      return await backend.deleteObjects(bucket, keys, url, options)
    } catch (error) {
      if (!refusesBatchDelete(error)) throw error
      withoutBatchDelete.add(backend.endpoint)
    }
  }
  const limiter = new Limiter(SINGLE_DELETES)
  const results = await Promise.allSettled(keys.map((key) => limiter.run(() => backend.deleteObject(childPath(bucket, key), options))))
  const failures: DeleteFailure[] = []
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return
    const error = result.reason as S3FsError
    if (options?.signal?.aborted) throw error
    failures.push({ key: keys[i]!, code: error.code ?? 'EIO', s3Code: error.s3Code ?? '', message: error.message })
  })
  return failures
}
