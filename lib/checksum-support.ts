// Servers without S3's checksums: several S3-compatible services answer a request that carries
// x-amz-checksum-* (or declares an algorithm) with 501, or with 400 and a message about the
// checksum; others accept it and ignore it, which shows in their answer: S3 acknowledges the
// checksum of a PutObject (x-amz-checksum-<algorithm>) and the algorithm of a
// CreateMultipartUpload. Either is found out once per endpoint, with one warning, and the endpoint
// is sent no checksum from then on, on every backend of this process: a write never fails for it,
// and no CPU goes into checksums nobody checks.
import { awsS3Host } from './addressing.js'
import type { ChecksumAlgorithm } from './checksums.js'
import type { ResolvedConfig } from './config.js'
import { S3FsError } from './errors.js'

/** Endpoints that refuse or ignore checksums. */
const withoutChecksums = new Set<string>()

/** The server a configuration talks to, as `host:port`. */
export function endpointOf(config: Pick<ResolvedConfig, 'endpointHost' | 'endpointPort' | 'useHttps' | 'region' | 'useDualstack' | 'useFips'>): string {
  if (config.endpointHost === '') return `${awsS3Host(config.region, config.useDualstack, config.useFips)}:443`
  return `${config.endpointHost}:${config.endpointPort || (config.useHttps ? 443 : 80)}`
}


const REFUSAL_CODES = new Set(['InvalidArgument', 'InvalidRequest', 'NotImplemented', 'XNotImplemented'])

/**
 * Whether a request that carried checksum headers failed because the server does not take them
 * (not because they did not match: that is BadDigest, EBADMSG). When it did, the endpoint is
 * remembered and a warning says so, once.
 */
function checksumsRefused(error: unknown, endpoint: string): boolean {
  if (!(error instanceof S3FsError)) return false
  const refused = error.httpStatus === 501 || (error.httpStatus === 400 && REFUSAL_CODES.has(error.s3Code ?? '') && /checksum/i.test(error.message))
  if (!refused) return false
  if (!withoutChecksums.has(endpoint)) {
    withoutChecksums.add(endpoint)
    process.emitWarning(`${endpoint} refuses S3 checksum headers (${error.s3Code ?? `HTTP ${error.httpStatus}`}): uploads to it are sent without checksums from now on`, {
      code: 'S3FS_CHECKSUMS_REFUSED',
    })
  }
  return true
}

function checksumsIgnored(endpoint: string): void {
  if (withoutChecksums.has(endpoint)) return
  withoutChecksums.add(endpoint)
  process.emitWarning(`${endpoint} accepted an upload's checksum without acknowledging it, so it does not check checksums: uploads to it are sent without them from now on`, {
    code: 'S3FS_CHECKSUMS_IGNORED',
  })
}

/** The checksum a backend's uploads carry: the configured one, until its endpoint refuses checksums. */
export class UploadChecksum {
  readonly #configured: ChecksumAlgorithm | undefined
  readonly #endpoint: string

  constructor(configured: ChecksumAlgorithm | undefined, endpoint: string) {
    this.#configured = configured
    this.#endpoint = endpoint
  }

  get algorithm(): ChecksumAlgorithm | undefined {
    return withoutChecksums.has(this.#endpoint) ? undefined : this.#configured
  }

  /**
   * Sends a request built with the checksum of the moment; again, built without, if the server
   * refuses checksums. `acknowledged`, for a request that carries the checksum when one is
   * configured: whether the answer acknowledged it.
   */
  async send<T>(request: () => Promise<T>, acknowledged?: (result: T) => boolean): Promise<T> {
    const carried = this.algorithm !== undefined
    let result: T
    try {
      result = await request()
    } catch (error) {
      if (carried && checksumsRefused(error, this.#endpoint)) return request()
      throw error
    }
    if (carried && acknowledged && !acknowledged(result)) checksumsIgnored(this.#endpoint)
    return result
  }
}
