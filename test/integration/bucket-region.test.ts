// A bucket in another region than the one configured: a second MinIO, in eu-west-1, refuses
// requests signed for us-east-1 as S3 does (400 AuthorizationHeaderMalformed with
// x-amz-bucket-region). The filesystem learns the bucket's region from the first refusal, signs
// for it from then on, and the caller sees nothing of it.
import { afterAll, beforeAll, expect, test } from 'vitest'

import { type MinioServer, startMinio } from '../../lib/cli/local-minio.js'
import { S3FileSystem } from '../../lib/index.js'
import { type FaultProxy, startFaultProxy } from '../server/fault-proxy.js'
import { randomData, testEnv, uniquePrefix } from '../helpers.js'

let europe: MinioServer
let proxy: FaultProxy
/** The region each request the server received was signed for. */
const signedFor: string[] = []

beforeAll(async () => {
  europe = await startMinio(['eu-bucket'], { region: 'eu-west-1' })
  proxy = await startFaultProxy(europe.port)
  proxy.setPlan({
    kind: 'latency',
    every: Number.MAX_SAFE_INTEGER,
    matches: (_method, _url, headers) => {
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(headers.authorization ?? ''))
      if (scope) signedFor.push(scope[1]!)
      return false
    },
  })
}, 120_000)
afterAll(async () => {
  await proxy.close()
  await europe.stop()
})

test('every operation on a bucket in another region works, and only the first request is signed for the wrong one', async () => {
  const fs = new S3FileSystem({ env: testEnv({ AWS_REGION: 'us-east-1' }, { endpoint: proxy.endpoint, accessKeyId: europe.accessKeyId, secretAccessKey: europe.secretAccessKey }), partSize: 5 * 1024 * 1024 })
  const base = `s3://eu-bucket/${uniquePrefix('region')}`
  try {
    const small = randomData(1000)
    const large = randomData(12 * 1024 * 1024 + 7)
    expect(await fs.exists(`${base}/missing`)).toBe(false)
    await fs.writeFile(`${base}/small`, small)
    await fs.writeFile(`${base}/dir/large`, large)
    expect((await fs.readFile(`${base}/small`)).equals(small)).toBe(true)
    expect((await fs.readFile(`${base}/dir/large`)).equals(large)).toBe(true)
    expect((await fs.stat(`${base}/dir/large`)).size).toBe(large.length)
    expect((await fs.readdir(base)).sort()).toEqual(['dir', 'small'])
    await fs.copyFile(`${base}/small`, `${base}/copy`)
    await fs.rename(`${base}/dir`, `${base}/moved`)
    expect((await fs.readFile(`${base}/moved/large`)).equals(large)).toBe(true)
    await fs.rm(base, { recursive: true })
    expect(await fs.readdir(base).catch((e: { code: string }) => e.code)).toBe('ENOENT')
  } finally {
    fs.close()
  }
  expect(signedFor.length).toBeGreaterThan(20)
  expect(signedFor.filter((region) => region !== 'eu-west-1')).toEqual(['us-east-1'])
})
