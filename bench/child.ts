// One measurement in a process of its own, so that CPU and peak RSS are this workload's alone.
import { S3FileSystem } from 's3fs-native'
import { measure } from './measure.js'
import { workloads } from './workloads.js'

interface Job {
  workload: string
  backend: 'native' | 'js'
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
  localFile: string
  runPrefix: string
  /** 'off': no checksum sent or checked, for the cost of checksums side by side. */
  checksum?: 'off'
}

const job = JSON.parse(process.argv[2]!) as Job
const workload = workloads.find((w) => w.name === job.workload)
if (workload === undefined) throw new Error(`no workload ${job.workload}`)
const fs = new S3FileSystem({
  backend: job.backend,
  ...(job.checksum ? { checksum: job.checksum } : {}),
  env: { S3_ENDPOINT: job.endpoint, AWS_ACCESS_KEY_ID: job.accessKeyId, AWS_SECRET_ACCESS_KEY: job.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' },
})
const context = { fs, localFile: job.localFile, runPrefix: job.runPrefix }
await workload.setup?.(context)
const result = await measure(() => workload.run(context))
fs.close()
process.stdout.write(`${JSON.stringify(result)}\n`)
