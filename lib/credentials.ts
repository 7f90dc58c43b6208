import { defaultProvider } from '@aws-sdk/credential-provider-node'

/** Keys that sign requests: the shape of `@aws-sdk/credential-providers`' results. */
export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** When the keys stop working; none: they never do. */
  expiration?: Date
}

/**
 * Anything that hands out credentials when asked: `fromNodeProviderChain()`, `fromTemporaryCredentials(...)`
 * or any other provider of `@aws-sdk/credential-providers`, or the caller's own function.
 */
export type CredentialsProvider = (options?: { forceRefresh?: boolean }) => Promise<Credentials>

/** The SDK refreshes credentials five minutes before they expire; so do both backends. */
const REFRESH_AHEAD_MS = 5 * 60_000
/** Credentials this close to their expiry are not used: a request signed now may reach the server later. */
const EXPIRY_MARGIN_MS = 10_000
/** After a refresh that failed, or gave keys already due for refresh, those still valid are used this long before the next try. */
const RETRY_AFTER_MS = 10_000

/** Raised when no credentials could be had; `message` says from where and why, never a secret. */
export class CredentialsUnavailable extends Error {
  override readonly name = 'CredentialsProviderError'
}

let nextProviderId = 1

/**
 * A provider's credentials, cached for everyone who signs with them (both backends, and the native
 * engine through its delegate): resolved on first need, refreshed ahead of expiry by one call that all
 * waiters share, and kept while still valid when a refresh fails.
 */
export class RefreshingCredentials {
  readonly id = nextProviderId++
  #current: Credentials | undefined
  #refreshing: Promise<Credentials> | undefined
  #retryAt = 0
  #lastFailure = ''

  constructor(
    private readonly source: CredentialsProvider,
    private readonly explain: (error: unknown) => string,
  ) {}

  /** Why the last attempt gave no credentials: what `ECREDENTIALS` errors say. */
  get lastFailure(): string {
    return this.#lastFailure
  }

  readonly get = async (): Promise<Credentials> => {
    const now = Date.now()
    const current = this.#current
    if (current !== undefined && !expiresWithin(current, now, EXPIRY_MARGIN_MS)) {
      if (expiresWithin(current, now, REFRESH_AHEAD_MS) && this.#refreshing === undefined && now >= this.#retryAt) {
        this.#refresh().catch(() => undefined)
      }
      return current
    }
    return this.#refreshing ?? this.#refresh()
  }

  /**
   * For the native engine, which keeps its own copy and asks only when that copy is due for refresh:
   * waits for the refresh (shared with everyone else), and answers with the keys still valid when it fails.
   */
  readonly fresh = async (): Promise<Credentials> => {
    const current = this.#current
    const usable = (): boolean => current !== undefined && !expiresWithin(current, Date.now(), EXPIRY_MARGIN_MS)
    if (current !== undefined && (!expiresWithin(current, Date.now(), REFRESH_AHEAD_MS) || (usable() && Date.now() < this.#retryAt))) return current
    try {
      return await (this.#refreshing ?? this.#refresh())
    } catch (error) {
      if (usable()) return current!
      throw error
    }
  }

  /** Engines are shared by configuration; a provider is part of it by identity. */
  toJSON(): string {
    return `credentials provider #${this.id}`
  }

  #refresh(): Promise<Credentials> {
    const refreshing = (async () => {
      try {
        const fresh = checked(await this.source({ forceRefresh: true }))
        this.#current = fresh
        // Keys handed out already due for refresh (short-lived ones) are not asked for again at once.
        this.#retryAt = expiresWithin(fresh, Date.now(), REFRESH_AHEAD_MS) ? Date.now() + RETRY_AFTER_MS : 0
        return fresh
      } catch (error) {
        this.#retryAt = Date.now() + RETRY_AFTER_MS
        this.#lastFailure = this.explain(error)
        throw new CredentialsUnavailable(this.#lastFailure)
      } finally {
        this.#refreshing = undefined
      }
    })()
    this.#refreshing = refreshing
    return refreshing
  }
}

function expiresWithin(credentials: Credentials, now: number, ms: number): boolean {
  return credentials.expiration !== undefined && credentials.expiration.getTime() - now < ms
}

function checked(value: unknown): Credentials {
  const c = (value ?? {}) as Partial<Credentials>
  if (typeof c.accessKeyId !== 'string' || c.accessKeyId === '' || typeof c.secretAccessKey !== 'string' || c.secretAccessKey === '') {
    throw new Error('the credentials provider returned no accessKeyId and secretAccessKey')
  }
  if (c.sessionToken !== undefined && typeof c.sessionToken !== 'string') throw new Error('the credentials provider returned a sessionToken that is not a string')
  if (c.expiration !== undefined && !(c.expiration instanceof Date && Number.isFinite(c.expiration.getTime()))) {
    throw new Error('the credentials provider returned an expiration that is not a Date')
  }
  const result: Credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }
  if (c.sessionToken) result.sessionToken = c.sessionToken
  if (c.expiration) result.expiration = c.expiration
  return result
}

/** The first line of an error's message, cut short: providers' messages name files and settings, not secrets. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const line = message.split('\n', 1)[0]!.trim().replace(/\.$/, '')
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

/** Providers the caller passed, one cache each, so that filesystems given the same function share it. */
const callerProviders = new WeakMap<CredentialsProvider, RefreshingCredentials>()

export function callerCredentials(provider: CredentialsProvider): RefreshingCredentials {
  let cached = callerProviders.get(provider)
  if (cached === undefined) {
    cached = new RefreshingCredentials(provider, (error) => `the credentials provider passed as the credentials option failed: ${reasonOf(error)}`)
    callerProviders.set(provider, cached)
  }
  return cached
}

export interface DefaultChainSettings {
  /** Set when the configuration names a profile (the option or AWS_PROFILE); the SDK then skips environment keys. */
  profile: string | undefined
  credentialsFile: string
  configFile: string
}

/** What each link of the SDK's chain is, as its debug log names it. */
const CHAIN_LINKS: Record<string, (settings: DefaultChainSettings) => string> = {
  fromEnv: () => 'the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
  fromSSO: () => 'SSO',
  fromIni: (s) => `profile '${s.profile ?? 'default'}' in ${s.credentialsFile} and ${s.configFile}`,
  fromProcess: (s) => `credential_process of profile '${s.profile ?? 'default'}'`,
  fromTokenFile: () => 'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)',
  remoteProvider: () => 'the container (AWS_CONTAINER_CREDENTIALS_*) or EC2 instance role (IMDS)',
}

/** Debug lines the SDK logs as refusals that are not why a link gave nothing. */
const NOT_REASONS = [/^Could not load credentials from any providers/, /not set in env, checking config file next/]

/**
 * Reads the SDK chain's debug log of one attempt into "source: why it gave nothing" for each link.
 * The SDK logs each link as it starts ("defaultProvider::fromIni") and each refusal as it is raised.
 */
class ChainAttemptLog {
  #lines: string[] = []
  readonly logger = {
    debug: (message: unknown) => this.#lines.push(String(message)),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  }

  start(): void {
    this.#lines = []
  }

  explain(settings: DefaultChainSettings): string {
    const reasons = new Map<string, string[]>([['fromEnv', []]])
    let link = 'fromEnv'
    for (const line of this.#lines) {
      const started = /defaultProvider::(\w+)/.exec(line)
      if (started) {
        link = started[1]!
        if (!reasons.has(link)) reasons.set(link, [])
        continue
      }
      const refused = /^@smithy\/property-provider (?:->|\(!\)) (.*)$/s.exec(line)
      if (refused && !NOT_REASONS.some((pattern) => pattern.test(refused[1]!))) reasons.get(link)!.push(reasonOf(refused[1]))
    }
    const tried = [...reasons].map(([name, why]) => `${CHAIN_LINKS[name]?.(settings) ?? name}: ${why.length > 0 ? why.join('; ') : 'gave nothing'}`)
    return `the AWS SDK's default chain found none; ${tried.join(' · ')}`
  }
}

/** One SDK chain per set of settings, so that filesystems configured alike share its cache and their engine. */
const defaultChains = new Map<string, RefreshingCredentials>()

/**
 * The AWS SDK for JavaScript's own Node chain: environment, SSO, the shared files (profiles,
 * assume-role chains, credential_process, web identity), the token file (IRSA), the container
 * (ECS, EKS Pod Identity), the EC2 instance role (IMDSv2). The SDK reads these sources' variables
 * from process.env.
 */
export function defaultChainCredentials(settings: DefaultChainSettings): RefreshingCredentials {
  const key = JSON.stringify(settings)
  let cached = defaultChains.get(key)
  if (cached === undefined) {
    const log = new ChainAttemptLog()
    const chain = defaultProvider({
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      filepath: settings.credentialsFile,
      configFilepath: settings.configFile,
      logger: log.logger,
    })
    const attempt: CredentialsProvider = (options) => {
      log.start()
      return chain(options)
    }
    cached = new RefreshingCredentials(attempt, () => log.explain(settings))
    defaultChains.set(key, cached)
  }
  return cached
}
