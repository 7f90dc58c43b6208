import { execFile, execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'

import { computeChecksum } from '../../lib/checksums.js'
import { tensorflowPluginPath } from '../../lib/index.js'
import { expectScenario, type Outcome, scenarioFile } from '../conformance-scenario.js'
import { startMinio } from '../../lib/cli/local-minio.js'
import { type FaultKind, startFaultProxy } from '../server/fault-proxy.js'
import { OTHER_SERVERS, startOtherServer } from '../server/other-servers.js'
import { credentialProcessProfile, podIdentity } from '../server/credential-setups.js'
import { type IdentityServices, startIdentityServices } from '../server/identity-services.js'
import { BUCKET, expectNoMultipartUploads, reference, server, testFs, uniquePrefix, url } from '../helpers.js'

// Python TensorFlow (current tensorflow-cpu from PyPI, in a venv scripts/tf-python.sh makes and
// caches) with the plugin registered by tf.experimental.register_filesystem_plugin.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const surface = path.join(root, 'test', 'tensorflow', 'tf_surface.py')
let python = ''
let plugin = ''

/** TensorFlow's error class for each Node-style code, as the plugin maps them. */
const TF_ERRORS: Record<string, string> = {
  ENOENT: 'NotFoundError',
  EISDIR: 'FailedPreconditionError',
  ENOTEMPTY: 'FailedPreconditionError',
  EEXIST: 'AlreadyExistsError',
}

/** TensorFlow's environment for the plugin, pointed at `endpoint` (the server, or a proxy in front of it). */
function tensorFlowEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    TF_CPP_MIN_LOG_LEVEL: '2',
  }
}

function runTensorFlow(...args: string[]): unknown {
  const output = execFileSync(python, [surface, plugin, ...args], { encoding: 'utf8', env: tensorFlowEnv(server.endpoint), maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(output)
}

/**
 * TensorFlow against `endpoint`, without blocking this process's event loop (a fault proxy may be
 * serving on it): what it printed, and its stderr.
 */
function runTensorFlowAt(endpoint: string, env: Record<string, string | undefined>, ...args: string[]): Promise<{ result: unknown; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(python, [surface, plugin, ...args], { encoding: 'utf8', env: { ...tensorFlowEnv(endpoint), ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(error) : resolve({ result: JSON.parse(stdout), stderr }),
    )
  })
}

beforeAll(() => {
  python = execFileSync('bash', [path.join(root, 'scripts', 'tf-python.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  plugin = tensorflowPluginPath()
}, 15 * 60_000)

describe('Python TensorFlow with the plugin', () => {
  test('the conformance scenario through tf.io.gfile', () => {
    const outcomes = runTensorFlow('scenario', url(uniquePrefix('tf-conformance')), scenarioFile) as Outcome[]
    expectScenario(outcomes, (code) => TF_ERRORS[code] ?? code)
  })

  /** The conformance scenario through a proxy answering as another server does; how many requests it refused. */
  async function scenarioBehind(kind: FaultKind, label: string): Promise<number> {
    const proxy = await startFaultProxy(server.port)
    try {
      proxy.setPlan({ kind, every: 1 })
      const { result } = await runTensorFlowAt(proxy.endpoint, {}, 'scenario', url(uniquePrefix(label)), scenarioFile)
      expectScenario(result as Outcome[], (code) => TF_ERRORS[code] ?? code)
      return proxy.faults
    } finally {
      await proxy.close()
    }
  }

  test.each(OTHER_SERVERS)('the conformance scenario through tf.io.gfile against %s', async (name) => {
    const other = await startOtherServer(name, [BUCKET])
    try {
      const keys = { AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: other.secretAccessKey }
      const { result } = await runTensorFlowAt(other.endpoint, keys, 'scenario', url(uniquePrefix(`tf-${name}`)), scenarioFile)
      expectScenario(result as Outcome[], (code) => TF_ERRORS[code] ?? code)
    } finally {
      await other.stop()
    }
  }, 180_000)

  test('the conformance scenario against a server without DeleteObjects (as GCS): found out once, then key by key', async () => {
    expect(await scenarioBehind('refuse-batch-delete', 'tf-no-batch-delete')).toBe(1)
  })

  test('the conformance scenario against a server that cannot copy dir/ markers (as SeaweedFS): renames write them anew', async () => {
    await scenarioBehind('uncopyable-markers', 'tf-markers')
  })

  test('an answer whose promised body never comes (as s3rver answers a range of an empty object) fails the read instead of hanging it', async () => {
    const prefix = uniquePrefix('tf-withheld')
    const fs = testFs()
    await fs.writeFile(url(`${prefix}/object`), 'x'.repeat(1000))
    fs.close()
    const proxy = await startFaultProxy(server.port)
    try {
      proxy.setPlan({ kind: 'withheld-body', every: 1 })
      const { result } = await runTensorFlowAt(proxy.endpoint, { S3_REQUEST_TIMEOUT_MSEC: '1000', S3FS_MAX_RETRIES: '1' }, 'read', url(prefix), 'object')
      expect(result).toMatchObject({ object: { error: 'DeadlineExceededError' } })
      expect(proxy.faults).toBeGreaterThan(0)
    } finally {
      await proxy.close()
    }
  })

  test('a directory rename that fails is never left split: a copy refused rolls it back, a delete refused finishes it', async () => {
    const tree = Array.from({ length: 12 }, (_, i) => `d${i % 3}/k${String(i).padStart(2, '0')}`).sort()
    const fs = testFs()
    const proxy = await startFaultProxy(server.port)
    const keysUnder = async (prefix: string): Promise<string[]> =>
      (await fs.glob(url(`${prefix}/*/*`))).map((u) => u.slice(url(prefix).length + 1)).sort()
    try {
      const rolledBack = uniquePrefix('tf-rename-copy-refused')
      await Promise.all(tree.map((key) => fs.writeFile(url(`${rolledBack}/src/${key}`), key)))
      proxy.setPlan({ kind: 'access-denied', every: 1, matches: (method, _u, headers) => method === 'PUT' && decodeURIComponent(String(headers['x-amz-copy-source'] ?? '')).endsWith('/src/d1/k07') })
      const refused = (await runTensorFlowAt(proxy.endpoint, {}, 'rename', url(rolledBack), 'src', 'dst')).result
      expect(refused).toMatchObject({ error: 'PermissionDeniedError', message: expect.stringContaining('nothing moved') })
      expect(await keysUnder(`${rolledBack}/src`)).toEqual(tree)
      expect(await keysUnder(`${rolledBack}/dst`)).toEqual([])

      const finished = uniquePrefix('tf-rename-delete-refused')
      await Promise.all(tree.map((key) => fs.writeFile(url(`${finished}/src/${key}`), key)))
      proxy.setPlan({ kind: 'access-denied', every: 1, matches: (method, requestUrl) => (method === 'POST' && /[?&]delete/.test(requestUrl)) || method === 'DELETE' })
      const undeleted = (await runTensorFlowAt(proxy.endpoint, {}, 'rename', url(finished), 'src', 'dst')).result
      expect(undeleted).toMatchObject({ error: 'PermissionDeniedError', message: expect.stringContaining('every key was copied') })
      expect(await keysUnder(`${finished}/dst`)).toEqual(tree)
    } finally {
      await proxy.close()
      fs.close()
    }
  })

  test('TFRecord datasets, summaries read by TensorBoard, a SavedModel, GFile seek, append, flush, and a dropped writer', async () => {
    const prefix = uniquePrefix('tf-workloads')
    const result = runTensorFlow('workloads', url(prefix)) as {
      tfrecords: { plain: number[]; gzip: number[]; gzipMagic: string }
      summaries: { files: string[]; loss: Array<[number, number]> }
      savedModel: { prediction: number[][]; files: string[] }
      gfile: Record<string, unknown>
    }
    const ids = Array.from({ length: 100 }, (_, i) => i)
    expect(result.tfrecords.plain).toEqual(ids)
    expect(result.tfrecords.gzip).toEqual(ids)
    expect(result.tfrecords.gzipMagic).toBe('1f8b')

    expect(result.summaries.files).toHaveLength(1)
    expect(result.summaries.files[0]).toMatch(/^events\.out\.tfevents\./)
    expect(result.summaries.loss.map(([step]) => step)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    result.summaries.loss.forEach(([step, value]) => expect(value).toBeCloseTo(1 / (step + 1), 6))

    expect(result.savedModel.prediction).toEqual([[5]])
    expect(result.savedModel.files).toEqual(expect.arrayContaining(['saved_model.pb', 'variables']))

    const mib = 1 << 20
    expect(result.gfile).toMatchObject({
      visibleAfterFlush: 500_000,
      wholeMatches: true,
      appended: 'one,two',
      deepIsDir: true,
      bigSizesAfterFlushes: [3 * mib, 6 * mib, 12 * mib],
      bigMatches: true,
      droppedExists: false,
    })
    expect(result.gfile.middle).toBe(result.gfile.expectedMiddle)
    // MinIO lists in-progress uploads by exact key only, so each multipart-written key is asked about.
    for (const key of ['extras/seek.bin', 'extras/big.bin', 'extras/dropped.bin']) await expectNoMultipartUploads(`${prefix}/${key}`)
  })

  test("the plugin finds the server through the AWS CLI's AWS_ENDPOINT_URL_S3 when S3_ENDPOINT is not set", async () => {
    const prefix = uniquePrefix('tf-endpoint-url')
    const env = { S3_ENDPOINT: '', AWS_ENDPOINT_URL_S3: server.endpoint }
    const written = await runTensorFlowAt(server.endpoint, env, 'write', url(prefix), 'object:70000')
    expect(written.result).toEqual({ object: { ok: true } })
    const read = await runTensorFlowAt(server.endpoint, env, 'read', url(prefix), 'object')
    expect((read.result as Record<string, { sha256?: string }>).object!.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  test("the plugin finds the server, region and keys in the profile AWS_PROFILE names, as the AWS CLI does", async () => {
    const prefix = uniquePrefix('tf-profile')
    const home = mkdtempSync(path.join(os.tmpdir(), 's3fs-tf-profile-'))
    try {
      mkdirSync(path.join(home, '.aws'))
      writeFileSync(
        path.join(home, '.aws', 'config'),
        `[profile local]\nservices = local\nregion = ${server.region}\n` +
          `aws_access_key_id = ${server.accessKeyId}\naws_secret_access_key = ${server.secretAccessKey}\n\n` +
          `[services local]\ns3 =\n  endpoint_url = ${server.endpoint}\n`,
      )
      const env = { HOME: home, AWS_PROFILE: 'local', S3_ENDPOINT: '', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }
      const written = await runTensorFlowAt(server.endpoint, env, 'write', url(prefix), 'object:70000')
      expect(written.result).toEqual({ object: { ok: true } })
      const read = await runTensorFlowAt(server.endpoint, env, 'read', url(prefix), 'object')
      expect((read.result as Record<string, { sha256?: string }>).object!.sha256).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  test('a bucket in another region than AWS_REGION: the plugin learns its region from the first refusal', async () => {
    const europe = await startMinio(['eu-bucket'], { region: 'eu-west-1' })
    try {
      const env = { S3_ENDPOINT: europe.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: europe.accessKeyId, AWS_SECRET_ACCESS_KEY: europe.secretAccessKey, S3FS_PART_SIZE: String(5 * 1024 * 1024) }
      const base = `s3://eu-bucket/${uniquePrefix('tf-region')}`
      const written = await runTensorFlowAt(europe.endpoint, env, 'write', base, 'small:1000', `large:${12 * 1024 * 1024 + 7}`)
      expect(written.result).toEqual({ small: { ok: true }, large: { ok: true } })
      const read = await runTensorFlowAt(europe.endpoint, env, 'read', base, 'small', 'large')
      const outcomes = read.result as Record<string, { sha256?: string }>
      for (const name of ['small', 'large']) expect(outcomes[name]!.sha256).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      await europe.stop()
    }
  }, 120_000)

  test('SSE-C and requester pays from the environment: what TensorFlow writes is encrypted with the key, and read back with it', async () => {
    const tls = inject('s3tls')
    const key = randomBytes(32).toString('base64')
    const env = {
      S3_ENDPOINT: tls.endpoint,
      S3_CA_FILE: tls.caFile,
      AWS_ACCESS_KEY_ID: tls.accessKeyId,
      AWS_SECRET_ACCESS_KEY: tls.secretAccessKey,
      S3FS_SSE_CUSTOMER_KEY: key,
      S3FS_REQUEST_PAYER: 'requester',
      S3FS_PART_SIZE: String(5 * 1024 * 1024),
    }
    const prefix = uniquePrefix('tf-sse-c')
    const written = await runTensorFlowAt(tls.endpoint, env, 'write', url(prefix), 'small:1000', `large:${11 * 1024 * 1024}`)
    expect(written.result).toEqual({ small: { ok: true }, large: { ok: true } })
    expect(written.stderr).not.toContain(key)
    const read = await runTensorFlowAt(tls.endpoint, env, 'read', url(prefix), 'small', 'large')
    for (const name of ['small', 'large']) expect((read.result as Record<string, { sha256?: string }>)[name]!.sha256).toMatch(/^[0-9a-f]{64}$/)
    const withoutKey = await runTensorFlowAt(tls.endpoint, { ...env, S3FS_SSE_CUSTOMER_KEY: '' }, 'read', url(prefix), 'small')
    expect((withoutKey.result as Record<string, { error?: string }>).small!.error).toBeDefined()
  })

  // The answer to CreateMultipartUpload is lost (the connection resets after the server made the
  // upload) for the first create and then one in two: the plugin's retry gets a second upload, and
  // the first, which nobody would complete, must be found and aborted.
  test('a multipart write whose create answer was lost leaves no upload behind', async () => {
    const prefix = uniquePrefix('tf-lost-create')
    const proxy = await startFaultProxy(server.port)
    try {
      proxy.setPlan({ kind: 'reset-response', every: 2, matches: (method, target) => method === 'POST' && /[?&]uploads(=|&|$)/.test(target) })
      const { result } = await runTensorFlowAt(proxy.endpoint, {}, 'multipart', url(prefix))
      expect((result as { matches: boolean[] }).matches).toEqual([true, true, true])
      expect(proxy.faults).toBeGreaterThanOrEqual(2)
    } finally {
      await proxy.close()
    }
    for (let i = 0; i < 3; i++) await expectNoMultipartUploads(`${prefix}/multipart-${i}.bin`)
  })
})

describe('checksums through the plugin', () => {
  const PART = 5 * 1024 * 1024
  // Written in one GFile write each: a single PUT, and a multipart upload of three parts.
  const FILES = { small: 1000, large: 2 * PART + 3 }
  const specs = Object.entries(FILES).map(([name, size]) => `${name}:${size}`)
  const settings = { S3FS_PART_SIZE: String(PART) }
  type FileOutcome = { ok?: true; sha256?: string; error?: string; message?: string }

  async function writeIntact(prefix: string): Promise<void> {
    const { result } = await runTensorFlowAt(server.endpoint, settings, 'write', url(prefix), ...specs)
    expect(result).toEqual({ small: { ok: true }, large: { ok: true } })
  }

  test('what TensorFlow writes carries a checksum the server verifies and keeps: a full-object CRC64NVME of the bytes', async () => {
    const prefix = uniquePrefix('tf-checksummed')
    await writeIntact(prefix)
    const { result } = await runTensorFlowAt(server.endpoint, settings, 'read', url(prefix), ...Object.keys(FILES))
    const fs = testFs()
    try {
      for (const [name, size] of Object.entries(FILES)) {
        const data = await fs.readFile(url(`${prefix}/${name}`))
        expect(data.length).toBe(size)
        expect((result as Record<string, FileOutcome>)[name]).toEqual({ sha256: createHash('sha256').update(data).digest('hex') })
        expect((await fs.stat(url(`${prefix}/${name}`))).checksum).toEqual({ algorithm: 'crc64nvme', type: 'FULL_OBJECT', value: await computeChecksum('crc64nvme', [data]) })
      }
    } finally {
      fs.close()
    }
  })

  test('a byte flipped on its way up: the write fails with DataLossError, and neither object nor upload is left', async () => {
    const prefix = uniquePrefix('tf-corrupt-upload')
    const proxy = await startFaultProxy(server.port)
    try {
      proxy.setPlan({ kind: 'corrupt-request', every: 1, matches: (method) => method === 'PUT' })
      const { result } = await runTensorFlowAt(proxy.endpoint, settings, 'write', url(prefix), ...specs)
      for (const name of Object.keys(FILES)) {
        const outcome = (result as Record<string, FileOutcome>)[name]!
        expect(outcome.error).toBe('DataLossError')
        expect(outcome.message).toContain(url(`${prefix}/${name}`))
      }
    } finally {
      await proxy.close()
    }
    const client = reference()
    try {
      for (const name of Object.keys(FILES)) {
        await expect(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${name}` }))).rejects.toMatchObject({ name: 'NotFound' })
        await expectNoMultipartUploads(`${prefix}/${name}`)
      }
    } finally {
      client.destroy()
    }
  })

  test('a byte flipped on its way down: reading the file fails with DataLossError naming both checksums', async () => {
    const prefix = uniquePrefix('tf-corrupt-download')
    await writeIntact(prefix)
    const fs = testFs()
    const stored = Object.fromEntries(await Promise.all(Object.keys(FILES).map(async (name) => [name, (await fs.stat(url(`${prefix}/${name}`))).checksum!.value])))
    fs.close()
    const proxy = await startFaultProxy(server.port)
    try {
      proxy.setPlan({ kind: 'corrupt-response', every: 1, matches: (method) => method === 'GET' })
      const { result } = await runTensorFlowAt(proxy.endpoint, settings, 'read', url(prefix), ...Object.keys(FILES))
      for (const name of Object.keys(FILES)) {
        const outcome = (result as Record<string, FileOutcome>)[name]!
        expect(outcome.error).toBe('DataLossError')
        expect(outcome.message).toContain(url(`${prefix}/${name}`))
        expect(outcome.message).toContain(stored[name])
      }
    } finally {
      await proxy.close()
    }
  })

  const servers = [
    { kind: 'refuse-checksums', says: /refuses S3 checksum headers/g, what: 'refuses checksum headers' },
    { kind: 'ignore-checksums', says: /does not check checksums/g, what: 'accepts checksum headers and ignores them' },
  ] as const
  for (const { kind, says, what } of servers) {
    test(`a server that ${what} is found out at the first upload, with one warning, and the writes go through without them`, async () => {
      const prefix = uniquePrefix(`tf-${kind}`)
      const proxy = await startFaultProxy(server.port)
      try {
        proxy.setPlan({ kind, every: 1, refusalStatus: 400 })
        const { result, stderr } = await runTensorFlowAt(proxy.endpoint, settings, 'write', url(prefix), ...specs)
        expect(result).toEqual({ small: { ok: true }, large: { ok: true } })
        expect(stderr.match(says)).toHaveLength(1)
        // Only the first upload (the small file's PUT) carried a checksum.
        expect(proxy.faults).toBe(1)
      } finally {
        await proxy.close()
      }
      const { result } = await runTensorFlowAt(server.endpoint, settings, 'read', url(prefix), ...Object.keys(FILES))
      for (const name of Object.keys(FILES)) expect((result as Record<string, FileOutcome>)[name]!.sha256).toMatch(/^[0-9a-f]{64}$/)
    })
  }
})

// The CRT's default chain, which the plugin signs with, from sources emulated on loopback that hand
// out real temporary credentials of the test server (test/server/identity-services.ts).
describe('credentials through the plugin', () => {
  let identity: IdentityServices
  const scratch = mkdtempSync(path.join(os.tmpdir(), 's3fs-tf-sources-'))
  beforeAll(async () => {
    identity = await startIdentityServices(server)
  })
  afterAll(async () => {
    await identity.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  /** A write and a read back with no keys in the environment: only what `setUp` puts in place signs. */
  async function roundTripWith(setUp: (home: string) => Promise<Record<string, string>> | Record<string, string>): Promise<Record<string, unknown>> {
    const home = mkdtempSync(path.join(scratch, 'home-'))
    mkdirSync(path.join(home, '.aws'))
    const env = { HOME: home, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, ...(await setUp(home)) }
    const prefix = uniquePrefix('tf-credentials')
    const written = await runTensorFlowAt(server.endpoint, env, 'write', url(prefix), 'object:1000')
    if (JSON.stringify(written.result) !== JSON.stringify({ object: { ok: true } })) return written.result as Record<string, unknown>
    return (await runTensorFlowAt(server.endpoint, env, 'read', url(prefix), 'object')).result as Record<string, unknown>
  }

  test('credential_process in the profile named by AWS_PROFILE', async () => {
    let runs = ''
    const result = await roundTripWith(async (home) => {
      ;({ runs } = credentialProcessProfile(home, await identity.mint()))
      return { AWS_PROFILE: 'batch' }
    })
    expect(result).toEqual({ object: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    expect(readFileSync(runs, 'utf8')).toMatch(/^(run\n)+$/)
  })

  test('EKS Pod Identity: the container endpoint with the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', async () => {
    const before = identity.calls.container
    const result = await roundTripWith((home) => podIdentity(home, identity.token, `${identity.endpoint}/container`))
    expect(result).toEqual({ object: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    expect(identity.calls.container).toBeGreaterThan(before)
  })

  test('ECS task role: the container endpoint with AWS_CONTAINER_AUTHORIZATION_TOKEN', async () => {
    const before = identity.calls.container
    const result = await roundTripWith(() => ({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${identity.endpoint}/container`, AWS_CONTAINER_AUTHORIZATION_TOKEN: identity.token }))
    expect(result).toEqual({ object: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    expect(identity.calls.container).toBeGreaterThan(before)
  })

  test('no source at all: UnauthenticatedError naming the sources tried and the URL', async () => {
    const result = await roundTripWith(() => ({}))
    const outcome = result.object as { error: string; message: string }
    expect(outcome.error).toBe('UnauthenticatedError')
    expect(outcome.message).toContain('AWS_WEB_IDENTITY_TOKEN_FILE')
    expect(outcome.message).toContain('s3://')
  })
})
