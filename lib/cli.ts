#!/usr/bin/env node
// The s3fs command line (package bin; `npx s3fs-native ...`), configured like the library (S3_ENDPOINT,
// AWS_REGION, credentials from the environment or profiles). Exit codes: 0 ok, 1 an operation failed,
// 2 a usage error, 130 interrupted. A failure is one line naming the code and the URL, never a stack.
import { createRequire } from 'node:module'

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'

import { CHECKSUM_CHOICES, type ChecksumChoice } from './config.js'
import { S3FileSystem } from './fs.js'
import { tensorflowPluginPath } from './native.js'
import { SSE_CHOICES, type ServerSideEncryption } from './request-options.js'
import { bench, benchTable } from './cli/bench.js'
import { demo } from './cli/demo.js'
import { cat, du, find, glob, ls, stat } from './cli/inspect.js'
import { copy, move, summaryLine, sync } from './cli/transfer.js'

const interrupt = new AbortController()
process.once('SIGINT', () => {
  // The first Ctrl-C aborts the transfer (its multipart upload is aborted, nothing partial stays);
  // a second one leaves at once.
  interrupt.abort()
  process.once('SIGINT', () => process.exit(130))
})

interface GlobalOptions {
  json?: boolean
  quiet?: boolean
  checksum?: ChecksumChoice
  requesterPays?: boolean
  sse?: ServerSideEncryption
  sseKmsKeyId?: string
}

let filesystem: S3FileSystem | undefined
const fs = (): S3FileSystem => {
  const { checksum, requesterPays, sse, sseKmsKeyId } = globals()
  return (filesystem ??= new S3FileSystem({
    ...(checksum ? { checksum } : {}),
    ...(requesterPays ? { requestPayer: 'requester' as const } : {}),
    ...(sse ? { serverSideEncryption: sse } : {}),
    ...(sseKmsKeyId ? { sseKmsKeyId } : {}),
  }))
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string }

const program = new Command('s3fs')
  .description('s3fs-native: a fast S3 filesystem for Node.js and TensorFlow')
  .version(version, '-V, --version')
  .helpOption('--help', 'show help')
  .option('--json', 'print results as JSON, for scripts')
  .option('-q, --quiet', 'print nothing but errors')
  .addOption(
    new Option('--checksum <algorithm>', 'the checksum uploads carry for the server to verify (default: S3FS_CHECKSUM, else crc64nvme)').choices(CHECKSUM_CHOICES),
  )
  .option('--requester-pays', 'say the requester pays, for requester-pays buckets (default: S3FS_REQUEST_PAYER)')
  .addOption(new Option('--sse <encryption>', 'encrypt what is written with SSE-S3 or SSE-KMS (default: S3FS_SSE)').choices(SSE_CHOICES))
  .option('--sse-kms-key-id <id>', 'the KMS key of --sse aws:kms (default: S3FS_SSE_KMS_KEY_ID); SSE-C keys come from S3FS_SSE_CUSTOMER_KEY only, kept off the command line')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) })

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>()
}

const output = (): { json: boolean; signal: AbortSignal } => ({ json: globals().json === true, signal: interrupt.signal })
const bar = (): boolean => !globals().quiet && !globals().json

function report(verb: string, summary: Parameters<typeof summaryLine>[1]): void {
  if (globals().json) console.log(JSON.stringify(summary))
  else if (!globals().quiet) console.log(summaryLine(verb, summary))
}

function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1')
  return n
}

program
  .command('ls')
  .description('list a directory (or show one file)')
  .argument('<url>', 's3://bucket/dir/')
  .option('-l, --long', 'sizes and modification times')
  .option('-R, --recursive', 'every file of the tree')
  .option('-h, --human-readable', 'sizes in KiB, MiB, GiB')
  .action((url: string, o: { long?: boolean; recursive?: boolean; humanReadable?: boolean }) =>
    ls(fs(), url, { ...output(), long: o.long === true, recursive: o.recursive === true, human: o.humanReadable === true }),
  )

program
  .command('stat')
  .description('size, modification time and ETag of a file, or that a directory exists')
  .argument('<url>')
  .action((url: string) => stat(fs(), url, output()))

program
  .command('cat')
  .description("write files' contents to stdout")
  .argument('<url...>')
  .action((urls: string[]) => cat(fs(), urls, output()))

program
  .command('cp')
  .description('copy between the local disk and S3, or within S3 (server-side)')
  .argument('<source>')
  .argument('<target>')
  .option('-r, --recursive', 'copy directories')
  .action(async (source: string, target: string, o: { recursive?: boolean }) =>
    report('copied', await copy(fs(), source, target, { recursive: o.recursive === true, bar: bar(), signal: interrupt.signal })),
  )

program
  .command('mv')
  .description('move: a rename within S3, else a copy and then the source removed')
  .argument('<source>')
  .argument('<target>')
  .action(async (source: string, target: string) => {
    const destination = await move(fs(), source, target, { recursive: true, bar: bar(), signal: interrupt.signal })
    if (globals().json) console.log(JSON.stringify({ source, target: destination }))
    else if (!globals().quiet) console.log(`moved ${source} -> ${destination}`)
  })

program
  .command('rm')
  .description('remove a file, or with -r a directory and everything under it')
  .argument('<url...>')
  .option('-r, --recursive', 'remove directories and their contents')
  .option('-f, --force', 'no error when a file does not exist')
  .action(async (urls: string[], o: { recursive?: boolean; force?: boolean }) => {
    for (const url of urls) await fs().rm(url, { recursive: o.recursive === true, force: o.force === true, signal: interrupt.signal })
  })

program
  .command('mkdir')
  .description('create a directory (a "dir/" marker)')
  .argument('<url...>')
  .option('-p, --parents', 'no error if it exists; create parents as needed')
  .action(async (urls: string[], o: { parents?: boolean }) => {
    for (const url of urls) await fs().mkdir(url, { recursive: o.parents === true, signal: interrupt.signal })
  })

program
  .command('du')
  .description('bytes used under a directory, per entry and in total')
  .argument('<url>')
  .option('-s, --summarize', 'the total only')
  .option('-h, --human-readable', 'sizes in KiB, MiB, GiB')
  .action((url: string, o: { summarize?: boolean; humanReadable?: boolean }) =>
    du(fs(), url, { ...output(), summarize: o.summarize === true, human: o.humanReadable === true }),
  )

program
  .command('find')
  .description('every file under a directory, or those whose name matches --name')
  .argument('<url>')
  .option('--name <pattern>', 'a glob on the file name: *.tfrecord')
  .action((url: string, o: { name?: string }) => find(fs(), url, { ...output(), name: o.name }))

program
  .command('glob')
  .description('the files and directories matching a pattern (*, ?, [...], ** across directories)')
  .argument('<pattern>', 's3://bucket/logs/*/events.*')
  .action((pattern: string) => glob(fs(), pattern, output()))

program
  .command('sync')
  .description('make TARGET hold what SOURCE holds, sending only files whose size or ETag differ')
  .argument('<source>', 'a local directory or s3:// prefix')
  .argument('<target>', 'an s3:// prefix or local directory')
  .option('--delete', 'remove files that only the target has')
  .action(async (source: string, target: string, o: { delete?: boolean }) =>
    report('sent', await sync(fs(), source, target, { recursive: true, bar: bar(), signal: interrupt.signal, deleteExtra: o.delete === true })),
  )

program
  .command('bench')
  .description('native against JS backend throughput against the configured endpoint')
  .argument('<prefix>', 'an s3:// prefix to write the test object under (removed afterwards)')
  .option('--size <MiB>', 'object size in MiB', positiveInteger, 64)
  .option('--runs <n>', 'runs per backend (the median is shown)', positiveInteger, 3)
  .action(async (prefix: string, o: { size: number; runs: number }) => {
    const rows = await bench(prefix, { sizeMiB: o.size, runs: o.runs, ...output() })
    console.log(globals().json ? JSON.stringify(rows) : benchTable(rows, o.size, o.runs))
  })

program
  .command('demo')
  .argument('[prefix]', 'an s3:// prefix of your bucket to run in instead (what the demo writes there is removed at the end)')
  .description('the main job end to end, on a MinIO of its own on loopback (built once and cached; needs Go the first time), or in your bucket')
  .action((prefix?: string) => demo({ bar: bar(), ...(prefix === undefined ? {} : { url: prefix }) }))

program
  .command('tf-plugin')
  .description('print the path of the TensorFlow filesystem plugin, for tf.experimental.register_filesystem_plugin(path)')
  .action(() => {
    console.log(tensorflowPluginPath())
  })

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2
  } else if (interrupt.signal.aborted) {
    console.error('s3fs: interrupted')
    process.exitCode = 130
  } else {
    const code = (error as { code?: string }).code
    const message = (error as Error).message ?? String(error)
    console.error(`s3fs: ${code && !message.startsWith(`${code}:`) ? `${code}: ` : ''}${message}`)
    process.exitCode = 1
  }
} finally {
  filesystem?.close()
}
