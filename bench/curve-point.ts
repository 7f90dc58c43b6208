// One point of a curve (bench/curves.ts), in a process of its own:
//   reads ENDPOINT KEY_ID SECRET BUCKET OBJECT_SIZE COUNT IN_FLIGHT   4 KiB random reads
//   get   ENDPOINT KEY_ID SECRET BUCKET OBJECT_SIZE                   readFile, one after another, of
//                                                                      at least 128 MiB in all
// Prints the measurement and the machine's busy CPU seconds over the same interval.
import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'

import { S3FileSystem } from 's3fs-native'
import { measure } from './measure.js'

const [mode, endpoint, accessKeyId, secretAccessKey, bucket, sizeText, countText, inFlightText] = process.argv.slice(2) as string[]
const size = Number(sizeText)
const url = `s3://${bucket}/${size}.bin`
const fs = new S3FileSystem({
  backend: 'native',
  env: {
    S3_ENDPOINT: endpoint!,
    AWS_ACCESS_KEY_ID: accessKeyId!,
    AWS_SECRET_ACCESS_KEY: secretAccessKey!,
    AWS_EC2_METADATA_DISABLED: 'true',
    // S3FS_CHECKSUM=off: engines compared without checksums (an older one has none).
    ...(process.env.S3FS_CHECKSUM ? { S3FS_CHECKSUM: process.env.S3FS_CHECKSUM } : {}),
  },
})

let work: () => Promise<number>
if (mode === 'reads') {
  const count = Number(countText)
  const inFlight = Number(inFlightText)
  const spots = Array.from({ length: count }, () => randomInt(0, size - 4096))
  const buffers = Array.from({ length: inFlight }, () => Buffer.allocUnsafe(4096))
  work = async () => {
    let next = 0
    await Promise.all(buffers.map(async (buffer) => { while (next < count) await fs.read(url, buffer, 0, 4096, spots[next++]!) }))
    return count
  }
} else {
  const times = Math.max(1, Math.ceil((128 * 1024 * 1024) / size))
  work = async () => {
    let bytes = 0
    for (let i = 0; i < times; i++) bytes += (await fs.readFile(url)).length
    return bytes
  }
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineCpuSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond
}

const machineBefore = machineCpuSeconds()
const result = await measure(work)
const machineCpu = machineCpuSeconds() - machineBefore
await fs.close()
process.stdout.write(`${JSON.stringify({ ...result, machineCpuSeconds: machineCpu })}\n`)
