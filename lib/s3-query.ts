/** RFC 3986 encoding as SigV4 signs it: unreserved characters stay, everything else is %XX. */
export function uriEncode(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded
}

/** A query string in canonical order (sorted keys, each with '='), as S3 servers verify it. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${uriEncode(name)}=${uriEncode(params[name]!)}`)
    .join('&')
}

/** The x-amz-copy-source header value for a key. */
export function copySource(bucket: string, key: string): string {
  return `/${bucket}/${uriEncode(key, true)}`
}
