import { accessSync, constants } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { type AddressingStyle, resolveAddressing } from './addressing.js'
import { profileSettings, type ProfileSettings, readConfigFile } from './aws-config-file.js'
import { flag, invalid } from './config-values.js'
import { type RequestOptions, type ResolvedRequestOptions, resolveRequestOptions } from './request-options.js'
import { callerCredentials, type Credentials, defaultChainCredentials, type RefreshingCredentials } from './credentials.js'
import { S3FsError } from './errors.js'

import type { CredentialsProvider } from './credentials.js'

export type { AddressingStyle } from './addressing.js'
export { parseEndpoint } from './addressing.js'
export type { Credentials, CredentialsProvider } from './credentials.js'

/** Constructor options. Each overrides the environment variable named beside it. */
export const CHECKSUM_CHOICES = ['crc64nvme', 'crc32c', 'crc32', 'sha256', 'off'] as const
export type ChecksumChoice = (typeof CHECKSUM_CHOICES)[number]

export interface S3FileSystemOptions extends RequestOptions {
  /** S3FS_BACKEND: 'native', 'js', or 'auto' (native, else js with a warning); default auto. */
  backend?: 'native' | 'js' | 'auto'
  /** AWS_REGION, else S3_REGION, else AWS_DEFAULT_REGION, else the profile's region; default us-east-1. */
  region?: string
  /**
   * S3_ENDPOINT, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else the profile's (its services
   * section's s3 endpoint_url, then its endpoint_url): `host:port` or a URL. '' is AWS.
   */
  endpoint?: string
  /**
   * S3FS_ADDRESSING_STYLE, else the profile's s3 addressing_style: 'virtual' (bucket.host), 'path'
   * (host/bucket), or 'auto' (default): virtual-hosted on AWS when the bucket name allows, path-style on
   * a custom endpoint.
   */
  addressingStyle?: AddressingStyle
  /** AWS_USE_DUALSTACK_ENDPOINT, else the profile's use_dualstack_endpoint: AWS's IPv6 endpoints. */
  useDualstack?: boolean
  /** AWS_USE_FIPS_ENDPOINT, else the profile's use_fips_endpoint: AWS's FIPS endpoints. */
  useFips?: boolean
  /** S3_USE_HTTPS (0 means http); a scheme in the endpoint URL decides too. */
  useHttps?: boolean
  /** S3_VERIFY_SSL (0 means no certificate check). */
  verifySsl?: boolean
  /** S3_CA_FILE, else AWS_CA_BUNDLE, else the profile's ca_bundle. */
  caFile?: string
  /** S3_CONNECT_TIMEOUT_MSEC; default 3000. */
  connectTimeoutMs?: number
  /** S3_REQUEST_TIMEOUT_MSEC: a response that makes no progress for this long fails with ETIMEDOUT; default 30 s. */
  requestTimeoutMs?: number
  /**
   * S3FS_OPERATION_TIMEOUT_MSEC: every call that returns a Promise settles within this long, retries
   * included (ETIMEDOUT when it had to be cut); default none.
   */
  operationTimeoutMs?: number
  /**
   * Static keys, or a provider function (`fromNodeProviderChain()`, `fromTemporaryCredentials(...)`, your
   * own). Default: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN unless a profile is
   * named, else the AWS SDK for JavaScript's Node chain (SSO, profiles, credential_process, web identity,
   * container, instance role).
   */
  credentials?: Credentials | CredentialsProvider
  /** AWS_PROFILE; default "default". Naming one skips the environment's keys, as in the AWS SDK. */
  profile?: string
  /** AWS_NO_SIGN_REQUEST=1: send unsigned requests (public buckets). */
  unsigned?: boolean
  /** Multipart part size in bytes (S3FS_PART_SIZE); at least 5 MiB; default 8 MiB. */
  partSize?: number
  /**
   * The checksum every upload carries for the server to verify, and stores with the object
   * (S3FS_CHECKSUM): 'crc64nvme' (default), 'crc32c', 'crc32', 'sha256', or 'off'.
   */
  checksum?: ChecksumChoice
  /** Connections of one multipart upload or download (S3FS_MAX_CONNECTIONS); default 16. Memory: part size x this. */
  maxConnections?: number
  /** Kept-alive connections per server for single requests (S3FS_POOL_CONNECTIONS); default 64. */
  poolConnections?: number
  /** Ranged parts of one whole-object read in flight at once (S3FS_PARTS_IN_FLIGHT); default 8. */
  partsInFlight?: number
  /** Native I/O threads (S3FS_IO_THREADS); default: the number of CPUs. */
  ioThreads?: number
  /** Retries of a failed request (S3FS_MAX_RETRIES); default 5. */
  maxRetries?: number
  /** Requests in flight at once per filesystem; more wait in order (S3FS_MAX_IN_FLIGHT); default 256. */
  maxInFlight?: number
  /** Bytes a sequential reader's handle fetches ahead (S3FS_READ_AHEAD); default 64 MiB. */
  readAheadBytes?: number
  /** Size of one read-ahead request; default 8 MiB. */
  readAheadChunkBytes?: number
  /** Parts of one write handle uploading at once; default 4. */
  writeConcurrency?: number
  /** Copies above this size use multipart copy (S3FS_MULTIPART_COPY_THRESHOLD); default 5 GiB. */
  multipartCopyThreshold?: number
  /** Part size of a multipart copy; default 64 MiB. */
  copyPartSize?: number
  /** Parts or objects copied at once; default 16. */
  copyConcurrency?: number
  /** AWS_LOG_LEVEL: off, fatal, error, warn, info, debug, trace (or 0-6), capped at info; default off. */
  logLevel?: string | number
  /** Read this instead of process.env. */
  env?: Readonly<Record<string, string | undefined>>
}

export interface ResolvedConfig extends ResolvedRequestOptions {
  backend: 'native' | 'js' | 'auto'
  region: string
  endpointHost: string
  endpointPort: number
  addressingStyle: AddressingStyle
  useDualstack: boolean
  useFips: boolean
  useHttps: boolean
  verifySsl: boolean
  caFile: string
  connectTimeoutMs: number
  requestTimeoutMs: number
  operationTimeoutMs: number
  partSize: number
  checksum: ChecksumChoice
  maxConnections: number
  poolConnections: number
  partsInFlight: number
  eventLoopThreads: number
  throughputTargetGbps: number
  maxRetries: number
  unsignedRequests: boolean
  /** Keys that never change, signed with as they are. */
  credentials?: Credentials
  /** Otherwise (unless unsigned), where keys come from, cached and refreshed. */
  credentialsProvider?: RefreshingCredentials
  logLevel: number
  maxInFlight: number
  readAheadBytes: number
  readAheadChunkBytes: number
  writeConcurrency: number
  multipartCopyThreshold: number
  copyPartSize: number
  copyConcurrency: number
}

const MIN_PART_SIZE = 5 * 1024 * 1024
/**
 * A response that moves no byte for this long fails by default: a server that misbehaves (a 206
 * promising a byte it never sends) must not hang a call forever. S3 keeps slow answers alive.
 */
const DEFAULT_STALL_TIMEOUT_MS = 30_000
/** The CRT's levels by name; debug and trace are accepted and capped at info (what is above it logs request details). */
const LOG_LEVELS = ['off', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']
const HIGHEST_LOG_LEVEL = LOG_LEVELS.indexOf('info')

/** The CA file an https endpoint is to trust; one that cannot be read is refused here, naming where it was set. */
function readableCaFile(useHttps: boolean, option: string | undefined, env: NodeJS.ProcessEnv, profile: ProfileSettings): string {
  const fromProfile = profile.get('ca_bundle')
  const [source, file] =
    option !== undefined
      ? ['the caFile option', option]
      : env.S3_CA_FILE
        ? ['S3_CA_FILE', env.S3_CA_FILE]
        : env.AWS_CA_BUNDLE || !fromProfile
          ? ['AWS_CA_BUNDLE', env.AWS_CA_BUNDLE ?? '']
          : ['the profile\'s ca_bundle', fromProfile]
  if (!useHttps || file === '') return file
  try {
    accessSync(file, constants.R_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'EACCES' : 'ENOENT'
    throw new S3FsError(code, `${source} names ${file}, which cannot be read`, { op: 'configure', url: '', cause: error })
  }
  return file
}

/** The widest values the native engine's fields (and, for times, Node's timers) hold. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1
const MAX_COUNT = 2 ** 32 - 1
const MAX_THREADS = 2 ** 16 - 1
const MAX_PART_SIZE = 5 * 1024 ** 3

function integer(value: number | string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`
    throw invalid(`${name} must be an integer ${range}, got ${value}`)
  }
  return n
}

function logLevel(value: string | number | undefined): number {
  if (value === undefined || value === '') return 0
  const byName = LOG_LEVELS.indexOf(String(value).toLowerCase())
  if (byName !== -1) return Math.min(byName, HIGHEST_LOG_LEVEL)
  const n = Number(value)
  if (Number.isInteger(n) && n >= 0) return Math.min(n, HIGHEST_LOG_LEVEL)
  throw invalid(`AWS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${value}`)
}

/**
 * Static keys when the caller or the environment gives them (environment keys yield to a named
 * profile, as in the AWS SDK), else a provider: the caller's, or the SDK's default chain.
 */
function resolveCredentials(
  options: S3FileSystemOptions,
  env: Record<string, string | undefined>,
  files: { credentialsFile: string; configFile: string },
): Pick<ResolvedConfig, 'credentials' | 'credentialsProvider'> {
  const given = options.credentials
  if (typeof given === 'function') return { credentialsProvider: callerCredentials(given) }
  if (given !== undefined) return { credentials: staticKeys(given) }
  const profile = options.profile ?? (env.AWS_PROFILE || undefined)
  if (profile === undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { credentials: staticKeys({ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }) }
  }
  return { credentialsProvider: defaultChainCredentials({ profile, ...files }) }
}

function staticKeys(given: Credentials): Credentials {
  if (typeof given.accessKeyId !== 'string' || given.accessKeyId === '' || typeof given.secretAccessKey !== 'string' || given.secretAccessKey === '') {
    throw invalid('credentials must be a provider function or have an accessKeyId and a secretAccessKey')
  }
  const keys: Credentials = { accessKeyId: given.accessKeyId, secretAccessKey: given.secretAccessKey }
  if (given.sessionToken) keys.sessionToken = given.sessionToken
  return keys
}

/** Configuration is read here, once: options first, then the environment, then defaults. */
export function resolveConfig(options: S3FileSystemOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env
  const home = env.HOME ?? os.homedir()
  const files = {
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
    configFile: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
  }
  const profileName = options.profile ?? (env.AWS_PROFILE || 'default')
  const profile = profileSettings(readConfigFile(files.configFile), profileName)
  const addressing = resolveAddressing(options, env, profile, profileName)
  const endpoint = addressing.endpoint

  const useHttps = options.useHttps ?? endpoint?.https ?? flag(env.S3_USE_HTTPS) ?? true
  const partSize = integer(options.partSize ?? env.S3FS_PART_SIZE, 'partSize', MIN_PART_SIZE, MAX_PART_SIZE) ?? 8 * 1024 * 1024

  const unsignedRequests = options.unsigned ?? flag(env.AWS_NO_SIGN_REQUEST) ?? false
  const credentials = unsignedRequests ? {} : resolveCredentials(options, env, files)

  const checksum = options.checksum ?? (env.S3FS_CHECKSUM || 'crc64nvme')
  if (!(CHECKSUM_CHOICES as readonly string[]).includes(checksum)) {
    throw invalid(`S3FS_CHECKSUM must be one of ${CHECKSUM_CHOICES.join(', ')}, got ${checksum}`)
  }

  const backend = options.backend ?? (env.S3FS_BACKEND || 'auto')
  if (backend !== 'native' && backend !== 'js' && backend !== 'auto') throw invalid(`S3FS_BACKEND must be native, js or auto, got ${backend}`)

  const config: ResolvedConfig = {
    backend,
    region: addressing.region,
    endpointHost: endpoint?.host ?? '',
    endpointPort: endpoint?.port ?? 0,
    addressingStyle: addressing.addressingStyle,
    useDualstack: addressing.useDualstack,
    useFips: addressing.useFips,
    useHttps,
    verifySsl: options.verifySsl ?? flag(env.S3_VERIFY_SSL) ?? true,
    caFile: readableCaFile(useHttps, options.caFile, env, profile),
    connectTimeoutMs: integer(options.connectTimeoutMs ?? env.S3_CONNECT_TIMEOUT_MSEC, 'S3_CONNECT_TIMEOUT_MSEC', 1, MAX_TIMEOUT_MS) ?? 3000,
    requestTimeoutMs: integer(options.requestTimeoutMs ?? env.S3_REQUEST_TIMEOUT_MSEC, 'S3_REQUEST_TIMEOUT_MSEC', 1, MAX_TIMEOUT_MS) ?? DEFAULT_STALL_TIMEOUT_MS,
    operationTimeoutMs: integer(options.operationTimeoutMs ?? env.S3FS_OPERATION_TIMEOUT_MSEC, 'S3FS_OPERATION_TIMEOUT_MSEC', 1, MAX_TIMEOUT_MS) ?? 0,
    partSize,
    checksum: checksum as ChecksumChoice,
    maxConnections: integer(options.maxConnections ?? env.S3FS_MAX_CONNECTIONS, 'maxConnections', 1, MAX_COUNT) ?? 16,
    partsInFlight: integer(options.partsInFlight ?? env.S3FS_PARTS_IN_FLIGHT, 'partsInFlight', 1, MAX_COUNT) ?? 8,
    poolConnections: integer(options.poolConnections ?? env.S3FS_POOL_CONNECTIONS, 'poolConnections', 1, MAX_COUNT) ?? 64,
    eventLoopThreads: integer(options.ioThreads ?? env.S3FS_IO_THREADS, 'ioThreads', 1, MAX_THREADS) ?? os.availableParallelism(),
    throughputTargetGbps: 10,
    maxRetries: integer(options.maxRetries ?? env.S3FS_MAX_RETRIES, 'maxRetries', 1, MAX_COUNT) ?? 5,
    unsignedRequests,
    ...credentials,
    ...resolveRequestOptions(options, env),
    logLevel: logLevel(options.logLevel ?? env.AWS_LOG_LEVEL),
    maxInFlight: integer(options.maxInFlight ?? env.S3FS_MAX_IN_FLIGHT, 'maxInFlight', 1) ?? 256,
    readAheadBytes: integer(options.readAheadBytes ?? env.S3FS_READ_AHEAD, 'readAheadBytes', 0) ?? 64 * 1024 * 1024,
    readAheadChunkBytes: integer(options.readAheadChunkBytes, 'readAheadChunkBytes', 4096) ?? 8 * 1024 * 1024,
    writeConcurrency: integer(options.writeConcurrency, 'writeConcurrency', 1) ?? 4,
    multipartCopyThreshold:
      integer(options.multipartCopyThreshold ?? env.S3FS_MULTIPART_COPY_THRESHOLD, 'multipartCopyThreshold', 0) ?? 5 * 1024 * 1024 * 1024,
    copyPartSize: integer(options.copyPartSize, 'copyPartSize', MIN_PART_SIZE, MAX_PART_SIZE) ?? 64 * 1024 * 1024,
    copyConcurrency: integer(options.copyConcurrency, 'copyConcurrency', 1) ?? 16,
  }
  return config
}
