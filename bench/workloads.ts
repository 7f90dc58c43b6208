import { randomInt } from 'node:crypto'

import type { S3FileSystem } from 's3fs-native'

export const MiB = 1024 * 1024
export const GiB = 1024 * MiB
export const BUCKET = 'bench'

export interface WorkloadContext {
  fs: S3FileSystem
  /** A local file of LARGE_SIZE bytes (the upload source). */
  localFile: string
  /** A per-run prefix for workloads that write. */
  runPrefix: string
}

export interface Workload {
  name: string
  /** 'MiB/s' for byte workloads, 'ops/s' for operation workloads. */
  unit: 'MiB/s' | 'ops/s'
  /** Whether nginx can serve it (plain GETs and HEADs of files). */
  readsOnly: boolean
  /** Untimed preparation, in the same process. */
  setup?(context: WorkloadContext): Promise<void>
  /** The timed work; returns bytes moved or operations done. */
  run(context: WorkloadContext): Promise<number>
}

export const sizes = {
  large: Number(process.env.BENCH_LARGE_MIB ?? 1024) * MiB,
  medium: 256 * MiB,
  smallCount: 1000,
  small: 64 * 1024,
  listCount: 10_000,
  renameCount: 100,
}

async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++)
    }),
  )
}

function randomReads(count: number, concurrency: number): Workload['run'] {
  return async ({ fs }) => {
    const buffers = Array.from({ length: concurrency }, () => Buffer.allocUnsafe(4096))
    let slot = 0
    await inParallel(count, concurrency, async () => {
      const buffer = buffers[slot++ % concurrency]!
      await fs.read(`s3://${BUCKET}/large.bin`, buffer, 0, 4096, randomInt(0, sizes.large - 4096))
    })
    return count
  }
}

export const workloads: Workload[] = [
  { name: 'GET 1 GiB (readFile)', unit: 'MiB/s', readsOnly: true, run: async ({ fs }) => (await fs.readFile(`s3://${BUCKET}/large.bin`)).length },
  {
    name: 'PUT 1 GiB (upload from file)',
    unit: 'MiB/s',
    readsOnly: false,
    run: async ({ fs, localFile, runPrefix }) => {
      await fs.upload(localFile, `s3://${BUCKET}/${runPrefix}/put.bin`)
      return sizes.large
    },
  },
  {
    name: 'readFile 256 MiB',
    unit: 'MiB/s',
    readsOnly: true,
    run: async ({ fs }) => (await fs.readFile(`s3://${BUCKET}/medium.bin`)).length,
  },
  {
    name: 'sequential 256 MiB through a read handle (1 MiB reads, read-ahead)',
    unit: 'MiB/s',
    readsOnly: true,
    run: async ({ fs }) => {
      const handle = await fs.open(`s3://${BUCKET}/medium.bin`)
      const buffer = Buffer.allocUnsafe(MiB)
      let position = 0
      for (let n = 1; n > 0; position += n) n = (await handle.read(buffer, 0, MiB, position)).bytesRead
      await handle.close()
      return position
    },
  },
  { name: '4 KiB random reads, 1 in flight', unit: 'ops/s', readsOnly: true, run: randomReads(2000, 1) },
  { name: '4 KiB random reads, 32 in flight', unit: 'ops/s', readsOnly: true, run: randomReads(20_000, 32) },
  {
    name: '1000 x 64 KiB objects read whole',
    unit: 'ops/s',
    readsOnly: true,
    run: async ({ fs }) => {
      await inParallel(sizes.smallCount, 32, (i) => fs.readFile(`s3://${BUCKET}/small/${i}.bin`))
      return sizes.smallCount
    },
  },
  {
    name: '1000 sequential stat',
    unit: 'ops/s',
    readsOnly: true,
    run: async ({ fs }) => {
      for (let i = 0; i < 1000; i++) await fs.stat(`s3://${BUCKET}/small/${i}.bin`)
      return 1000
    },
  },
  {
    name: 'list 10 000 keys (readdir)',
    unit: 'ops/s',
    readsOnly: false,
    run: async ({ fs }) => {
      const names = await fs.readdir(`s3://${BUCKET}/list`)
      if (names.length !== sizes.listCount) throw new Error(`listed ${names.length} keys`)
      return names.length
    },
  },
  {
    name: 'glob list/1*7 over 10 000 keys',
    unit: 'ops/s',
    readsOnly: false,
    run: async ({ fs }) => {
      const matches = await fs.glob(`s3://${BUCKET}/list/1*7`)
      if (matches.length !== 111) throw new Error(`glob matched ${matches.length}`)
      return 1
    },
  },
  {
    name: 'rename a directory of 100 objects',
    unit: 'ops/s',
    readsOnly: false,
    setup: ({ fs, runPrefix }) => inParallel(sizes.renameCount, 32, (i) => fs.writeFile(`s3://${BUCKET}/${runPrefix}/dir/${i}`, 'x')),
    run: async ({ fs, runPrefix }) => {
      await fs.rename(`s3://${BUCKET}/${runPrefix}/dir`, `s3://${BUCKET}/${runPrefix}/moved`)
      return sizes.renameCount
    },
  },
]
