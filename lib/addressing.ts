import type { ProfileSettings } from './aws-config-file.js'
import { flag, invalid } from './config-values.js'

export const ADDRESSING_STYLES = ['auto', 'virtual', 'path'] as const
/** `auto`: virtual-hosted on AWS when the bucket name allows it, path-style on a custom endpoint. */
export type AddressingStyle = (typeof ADDRESSING_STYLES)[number]

export interface Endpoint {
  host: string
  port: number
  https?: boolean
}

/** Where requests go, resolved as the AWS CLI resolves it (plus TensorFlow's S3_ENDPOINT and S3_REGION). */
export interface Addressing {
  region: string
  endpoint: Endpoint | undefined
  addressingStyle: AddressingStyle
  useDualstack: boolean
  useFips: boolean
}

export interface AddressingOptions {
  region?: string | undefined
  endpoint?: string | undefined
  addressingStyle?: AddressingStyle | undefined
  useDualstack?: boolean | undefined
  useFips?: boolean | undefined
}

/** `source`: where the text came from, for the error that refuses it. */
export function parseEndpoint(endpoint: string, source = 'S3_ENDPOINT'): Endpoint {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `scheme-less://${endpoint}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw invalid(`${source} is neither host:port nor a URL: ${endpoint}`)
  }
  const scheme = url.protocol.slice(0, -1)
  if (!['http', 'https', 'scheme-less'].includes(scheme)) throw invalid(`${source} scheme must be http or https: ${endpoint}`)
  if (url.pathname !== '/' && url.pathname !== '') throw invalid(`${source} must not have a path: ${endpoint}`)
  const result: Endpoint = { host: url.hostname, port: url.port === '' ? 0 : Number(url.port) }
  if (scheme !== 'scheme-less') result.https = scheme === 'https'
  return result
}

/**
 * The endpoint a configuration names, and where it named it: the option, TensorFlow's S3_ENDPOINT,
 * then as the AWS CLI: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the S3 endpoint_url of the profile's
 * `services` section, the profile's endpoint_url (all four off with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 * or the profile's ignore_configured_endpoint_urls); none: AWS.
 */
function configuredEndpoint(option: string | undefined, env: Record<string, string | undefined>, profile: ProfileSettings, profileName: string): [string, string] | undefined {
  if (option !== undefined) return option === '' ? undefined : ['endpoint', option]
  if (env.S3_ENDPOINT) return ['S3_ENDPOINT', env.S3_ENDPOINT]
  if ((flag(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ?? flag(profile.get('ignore_configured_endpoint_urls'))) === true) return undefined
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
    if (env[name]) return [name, env[name]]
  }
  const services = profile.servicesEndpoint()
  if (services) return [`the s3 endpoint_url of the services section profile '${profileName}' names`, services]
  const own = profile.get('endpoint_url')
  if (own) return [`endpoint_url of profile '${profileName}'`, own]
  return undefined
}

export function resolveAddressing(options: AddressingOptions, env: Record<string, string | undefined>, profile: ProfileSettings, profileName: string): Addressing {
  const named = configuredEndpoint(options.endpoint, env, profile, profileName)
  const style = options.addressingStyle ?? (env.S3FS_ADDRESSING_STYLE || profile.s3('addressing_style') || 'auto')
  if (!(ADDRESSING_STYLES as readonly string[]).includes(style)) throw invalid(`S3FS_ADDRESSING_STYLE (or the profile's s3 addressing_style) must be auto, virtual or path, got ${style}`)
  return {
    region: options.region ?? (env.AWS_REGION || env.S3_REGION || env.AWS_DEFAULT_REGION || profile.get('region') || 'us-east-1'),
    endpoint: named === undefined ? undefined : parseEndpoint(named[1], named[0]),
    addressingStyle: style as AddressingStyle,
    useDualstack: options.useDualstack ?? flag(env.AWS_USE_DUALSTACK_ENDPOINT) ?? flag(profile.s3('use_dualstack_endpoint') ?? profile.get('use_dualstack_endpoint')) ?? false,
    useFips: options.useFips ?? flag(env.AWS_USE_FIPS_ENDPOINT) ?? flag(profile.get('use_fips_endpoint')) ?? false,
  }
}

/** S3's host in `region` for the partition the region belongs to: `s3[-fips][.dualstack].REGION.amazonaws.com[.cn]`. */
export function awsS3Host(region: string, useDualstack: boolean, useFips: boolean): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `${useFips ? 's3-fips' : 's3'}${useDualstack ? '.dualstack' : ''}.${region}.${suffix}`
}
