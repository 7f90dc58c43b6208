/** Just enough XML for S3's small responses: element texts by name, entities decoded. */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

export function xmlDecode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10))
    return ENTITIES[entity] ?? whole
  })
}

/** The raw inner text of every <tag>…</tag> in doc, in order. */
export function xmlElements(doc: string, tag: string): string[] {
  const found: string[] = []
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g')
  for (const match of doc.matchAll(pattern)) found.push(match[1] ?? '')
  return found
}

/** The decoded text of the first <tag> in doc, or undefined. */
export function xmlText(doc: string, tag: string): string | undefined {
  const [first] = xmlElements(doc, tag)
  return first === undefined ? undefined : xmlDecode(first)
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`)
}
