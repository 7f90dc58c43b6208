import { stat as localStat, readdir, rm as localRm } from 'node:fs/promises'
import path from 'node:path'

import type { TransferOptions, TransferSummary } from '../bulk-transfer.js'
import { S3FsError } from '../errors.js'
import type { S3FileSystem } from '../fs.js'
import { humanBytes } from './format.js'
import { type Progress, startProgress } from './progress.js'

export interface TransferCommandOptions {
  recursive: boolean
  /** Draw a progress bar (a terminal, without --quiet or --json). */
  bar: boolean
  signal: AbortSignal
}

const isS3 = (location: string): boolean => location.startsWith('s3://')
const baseName = (location: string): string => location.replace(/\/+$/, '').split('/').pop() ?? ''

async function localKind(location: string): Promise<'file' | 'directory' | undefined> {
  try {
    const st = await localStat(location)
    return st.isDirectory() ? 'directory' : 'file'
  } catch {
    return undefined
  }
}

async function s3Kind(fs: S3FileSystem, url: string, signal: AbortSignal): Promise<'file' | 'directory' | undefined> {
  try {
    return (await fs.stat(url, { signal })).isDirectory() ? 'directory' : 'file'
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined
    throw error
  }
}

/** Like cp: a target that is an existing directory (or ends in "/") receives the source under its own name. */
async function resolveTarget(fs: S3FileSystem, source: string, target: string, signal: AbortSignal): Promise<string> {
  const into = target.endsWith('/') || (isS3(target) ? (await s3Kind(fs, target, signal)) === 'directory' : (await localKind(target)) === 'directory')
  if (!into) return target
  return isS3(target) ? `${target.replace(/\/*$/, '/')}${baseName(source)}` : path.join(target, baseName(source))
}

/** cp between S3 and the local disk, or within S3; directories with `recursive` only. */
export async function copy(fs: S3FileSystem, source: string, target: string, options: TransferCommandOptions): Promise<TransferSummary> {
  if (!isS3(source) && !isS3(target)) throw new S3FsError('EINVAL', 'one of source and target must be an s3:// URL (use cp for local copies)', { op: 'cp', url: source })
  const kind = isS3(source) ? await s3Kind(fs, source, options.signal) : await localKind(source)
  if (kind === undefined) throw new S3FsError('ENOENT', 'no such file or directory', { op: 'cp', url: source })
  if (kind === 'directory' && !options.recursive) throw new S3FsError('EISDIR', 'is a directory (use -r to copy a tree)', { op: 'cp', url: source })
  return transfer(fs, source, await resolveTarget(fs, source, target, options.signal), kind, options)
}

async function transfer(fs: S3FileSystem, source: string, destination: string, kind: 'file' | 'directory', options: TransferCommandOptions): Promise<TransferSummary> {
  const [label, run] = !isS3(source)
    ? ['upload', (settings: TransferOptions) => fs.upload(source, destination, settings)] as const
    : isS3(destination)
      ? ['copy', (settings: TransferOptions) => fs.cp(source, destination, { ...settings, recursive: kind === 'directory' })] as const
      : ['download', (settings: TransferOptions) => fs.download(source, destination, settings)] as const
  let progress: Progress | undefined
  try {
    return await run({
      signal: options.signal,
      onProgress: (p) => {
        progress ??= startProgress(label, p.bytesTotal, options.bar)
        progress.update(p.bytesDone)
      },
    })
  } finally {
    progress?.stop()
  }
}

/** mv: a rename within S3; across, a copy and then the source removed. Resolves to where it went. */
export async function move(fs: S3FileSystem, source: string, target: string, options: TransferCommandOptions): Promise<string> {
  if (isS3(source) && isS3(target)) {
    const destination = await resolveTarget(fs, source, target, options.signal)
    await fs.rename(source, destination, { signal: options.signal })
    return destination
  }
  const destination = await resolveTarget(fs, source, target, options.signal)
  await copy(fs, source, destination, { ...options, recursive: true })
  if (isS3(source)) await fs.rm(source, { recursive: true, signal: options.signal })
  else await localRm(source, { recursive: true })
  return destination
}

async function localFiles(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? localFiles(path.join(dir, e.name), base) : Promise.resolve(e.isFile() ? [path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')] : []))),
  )
  return nested.flat()
}

/**
 * sync: makes `target` hold what `source` holds (one local directory, one S3 prefix), sending only
 * files whose size and ETag differ; with `deleteExtra`, files only the target has are removed.
 */
export async function sync(fs: S3FileSystem, source: string, target: string, options: TransferCommandOptions & { deleteExtra: boolean }): Promise<TransferSummary & { deleted: number }> {
  if (isS3(source) === isS3(target)) throw new S3FsError('EINVAL', 'sync goes between a local directory and an s3:// prefix', { op: 'sync', url: source })
  const kind = isS3(source) ? await s3Kind(fs, source, options.signal) : await localKind(source)
  // An S3 prefix with nothing under it is an empty directory, in sync with an empty target.
  if (kind === 'file' || (kind === undefined && !isS3(source))) throw new S3FsError('ENOTDIR', 'sync takes a directory', { op: 'sync', url: source })
  const summary = kind === undefined ? { files: 0, skipped: 0, bytes: 0 } : await transfer(fs, source, target, 'directory', options)
  let deleted = 0
  if (options.deleteExtra) {
    if (isS3(target)) {
      const wanted = new Set(await localFiles(source))
      for await (const entry of fs.list(target, { recursive: true, signal: options.signal })) {
        if (!wanted.has(entry.name)) {
          await fs.rm(entry.url, { signal: options.signal })
          deleted++
        }
      }
    } else {
      const wanted = new Set<string>()
      for await (const entry of fs.list(source, { recursive: true, signal: options.signal })) wanted.add(entry.name)
      for (const name of await localFiles(target)) {
        if (!wanted.has(name)) {
          await localRm(path.join(target, ...name.split('/')))
          deleted++
        }
      }
    }
  }
  return { ...summary, deleted }
}

export function summaryLine(verb: string, summary: TransferSummary & { deleted?: number }): string {
  const parts = [`${verb} ${summary.files - summary.skipped} file${summary.files - summary.skipped === 1 ? '' : 's'} (${humanBytes(summary.bytes)})`]
  if (summary.skipped > 0) parts.push(`${summary.skipped} unchanged`)
  if (summary.deleted !== undefined && summary.deleted > 0) parts.push(`${summary.deleted} deleted`)
  return parts.join(', ')
}
