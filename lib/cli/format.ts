import type { ListEntry } from '../listing.js'

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** 1536 → "1.5 KiB"; below 1 KiB the exact count. */
export function humanBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

export function sizeText(bytes: number, human: boolean): string {
  return human ? humanBytes(bytes) : String(bytes)
}

/** The JSON shape of an entry, for --json. */
export function entryJson(entry: ListEntry): Record<string, unknown> {
  return {
    url: entry.url,
    name: entry.name,
    type: entry.isDirectory() ? 'directory' : 'file',
    size: entry.size,
    ...(entry.isFile() ? { mtime: entry.mtime.toISOString() } : {}),
    ...(entry.etag ? { etag: entry.etag } : {}),
  }
}

/** `ls -l`'s line: size, modification time, name (directories end in "/"). */
export function longLine(entry: ListEntry, human: boolean): string {
  const size = entry.isDirectory() ? 'DIR' : sizeText(entry.size, human)
  const time = entry.isDirectory() ? '' : entry.mtime.toISOString().replace('T', ' ').slice(0, 19)
  return `${size.padStart(human ? 10 : 12)}  ${time.padEnd(19)}  ${entry.name}${entry.isDirectory() ? '/' : ''}`
}
