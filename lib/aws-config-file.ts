import { readFileSync } from 'node:fs'

/** One `[profile NAME]`, `[services NAME]` or `[sso-session NAME]` section of the AWS shared config file. */
export interface ConfigSection {
  values: Record<string, string>
  /** Nested settings (`s3 =` followed by indented `addressing_style = path`), by parent name. */
  nested: Record<string, Record<string, string>>
}

/** Sections by kind and name: `profile default`, `services my-endpoints`, `sso-session corp`. */
export type ConfigFile = Map<string, ConfigSection>

/**
 * The AWS shared config file's format, as the AWS CLI reads it: `[default]` is `profile default`,
 * full-line comments start with `#` or `;`, a value ends before ` #` or ` ;`, and an empty value
 * followed by indented lines opens nested settings. Lines it cannot read are skipped, as the SDKs do.
 */
export function parseConfigFile(text: string): ConfigFile {
  const sections: ConfigFile = new Map()
  let section: ConfigSection | undefined
  let nestedUnder: string | undefined
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    const header = /^\[\s*([^\]]*?)\s*\]$/.exec(trimmed)
    if (header) {
      const name = header[1]!.replace(/\s+/g, ' ')
      const key = name === 'default' ? 'profile default' : name
      section = sections.get(key) ?? { values: {}, nested: {} }
      sections.set(key, section)
      nestedUnder = undefined
      continue
    }
    const setting = /^([^=]+?)\s*=\s*(.*)$/.exec(trimmed)
    if (!section || !setting) continue
    const name = setting[1]!.toLowerCase()
    const value = setting[2]!.replace(/\s+[#;].*$/, '')
    if (/^\s/.test(raw) && nestedUnder !== undefined) {
      section.nested[nestedUnder]![name] = value
      continue
    }
    if (value === '') {
      nestedUnder = name
      section.nested[name] = section.nested[name] ?? {}
    } else {
      nestedUnder = undefined
      section.values[name] = value
    }
  }
  return sections
}

/** The config file at `file`, or nothing when there is none (a missing file is no error for the AWS CLI either). */
export function readConfigFile(file: string): ConfigFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return new Map()
  }
  return parseConfigFile(text)
}

/** What a profile says about S3: its own settings, and those of the `services` section it names. */
export interface ProfileSettings {
  /** A top-level setting of the profile (`region`, `endpoint_url`, `ca_bundle`, ...). */
  get(name: string): string | undefined
  /** A nested S3 setting of the profile (`s3 =` / `addressing_style = path`). */
  s3(name: string): string | undefined
  /** The S3 endpoint of the `services` section the profile names. */
  servicesEndpoint(): string | undefined
}

export function profileSettings(config: ConfigFile, profile: string): ProfileSettings {
  const section = config.get(`profile ${profile}`)
  return {
    get: (name) => section?.values[name] || undefined,
    s3: (name) => section?.nested.s3?.[name] || undefined,
    servicesEndpoint: () => {
      const services = section?.values.services
      return (services && config.get(`services ${services}`)?.nested.s3?.endpoint_url) || undefined
    },
  }
}
