import { S3FsError } from './errors.js'

/** What an object carries besides its bytes, set when it is written and returned by stat. */
export interface ObjectAttributes {
  /** Content-Type; by default guessed from the key's extension (model.json is application/json). */
  contentType?: string | undefined
  /** Cache-Control, for objects served over HTTP (a CDN, a static site). */
  cacheControl?: string | undefined
  /** User metadata (x-amz-meta-*): names are lower-cased by S3; names and values printable ASCII. */
  metadata?: Record<string, string> | undefined
}

/** Attributes checked and completed (a content type always set). */
export interface ResolvedAttributes extends ObjectAttributes {
  contentType: string
}

const TYPES: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  gz: 'application/gzip',
  zip: 'application/zip',
  tar: 'application/x-tar',
  wasm: 'application/wasm',
  parquet: 'application/vnd.apache.parquet',
}

const DEFAULT_TYPE = 'application/octet-stream'
// Header values go on the wire as they are: no control characters, nothing outside ASCII.
const PRINTABLE = /^[\x20-\x7e]*$/
const METADATA_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/

/** The content type a key's extension suggests: application/octet-stream when it suggests none. */
export function guessContentType(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  return dot > 0 ? (TYPES[name.slice(dot + 1).toLowerCase()] ?? DEFAULT_TYPE) : DEFAULT_TYPE
}

function invalid(message: string, op: string, url: string): S3FsError {
  return new S3FsError('EINVAL', message, { op, url })
}

/** Checks the caller's attributes for the object at `key` and fills in the guessed content type. */
export function resolveAttributes(key: string, attributes: ObjectAttributes, op: string, url: string): ResolvedAttributes {
  const { contentType, cacheControl, metadata } = attributes
  for (const [name, value] of [['contentType', contentType], ['cacheControl', cacheControl]] as const) {
    if (value !== undefined && (typeof value !== 'string' || !PRINTABLE.test(value))) throw invalid(`${name} must be a string of printable ASCII`, op, url)
  }
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) throw invalid('metadata must be an object of strings', op, url)
    for (const [name, value] of Object.entries(metadata)) {
      if (!METADATA_NAME.test(name)) throw invalid(`metadata name ${JSON.stringify(name)} is not a valid header name`, op, url)
      if (typeof value !== 'string' || !PRINTABLE.test(value)) throw invalid(`metadata ${name} must be a string of printable ASCII`, op, url)
    }
  }
  return {
    contentType: contentType ?? guessContentType(key),
    ...(cacheControl === undefined ? {} : { cacheControl }),
    ...(metadata === undefined ? {} : { metadata }),
  }
}

/** The request headers that set them. */
export function attributeHeaders(attributes: ObjectAttributes | undefined): Array<[string, string]> {
  const headers: Array<[string, string]> = [['Content-Type', attributes?.contentType ?? DEFAULT_TYPE]]
  if (attributes?.cacheControl !== undefined) headers.push(['Cache-Control', attributes.cacheControl])
  for (const [name, value] of Object.entries(attributes?.metadata ?? {})) headers.push([`x-amz-meta-${name.toLowerCase()}`, value])
  return headers
}

/** The attributes a HEAD's (lower-cased) headers give. */
export function attributesFromHeaders(headers: Record<string, string>): ObjectAttributes {
  const metadata: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value
  return {
    ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
    ...(headers['cache-control'] ? { cacheControl: headers['cache-control'] } : {}),
    metadata,
  }
}
