// The TensorFlow plugin in Python TensorFlow inside AWS in a box (test/server/aws-box.ts): the
// CRT's default credentials chain and the plugin's addressing on their default code paths, with
// AWS's own host names and addresses and no endpoint override.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { tensorflowPluginPath } from '../../lib/index.js'
import { type AwsBox, FAR_BUCKET, FAR_REGION, HOME_BUCKET, HOME_REGION, startAwsBox, whyNoAwsBox } from '../server/aws-box.js'
import { assumeRoleProfile, environmentKeys, podIdentity, sourcesUsed, webIdentity } from '../server/credential-setups.js'
import type { IdentitySource } from '../server/identity-services.js'
import { uniquePrefix } from '../helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const surface = path.join(root, 'test', 'tensorflow', 'tf_surface.py')
const unavailable = whyNoAwsBox()
if (unavailable) console.log(`AWS emulation tests skipped: ${unavailable}`)

let box: AwsBox
let python = ''
const scratch = mkdtempSync(path.join(os.tmpdir(), 's3fs-tf-box-'))
const matrix: Array<[string, string]> = []
const LARGE = 11 * 1024 * 1024

beforeAll(async () => {
  if (unavailable) return
  python = execFileSync('bash', [path.join(root, 'scripts', 'tf-python.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  box = await startAwsBox()
}, 15 * 60_000)
afterAll(async () => {
  await box?.close()
  rmSync(scratch, { recursive: true, force: true })
  if (matrix.length > 0) console.log(`AWS emulation, the plugin in Python TensorFlow:\n| source | result |\n|---|---|\n${matrix.map(([source, result]) => `| ${source} | ${result} |`).join('\n')}`)
})

/** Writes a small and a multipart file through the plugin and reads them back; which identity service signed. */
async function job(label: string, bucket: string, setUp: (home: string) => Record<string, string>): Promise<{ outcome: Record<string, unknown>; used: Partial<Record<IdentitySource, number>>; hosts: string[] }> {
  const home = mkdtempSync(path.join(scratch, 'home-'))
  mkdirSync(path.join(home, '.aws'))
  const env = { HOME: home, TF_CPP_MIN_LOG_LEVEL: '2', AWS_CA_BUNDLE: box.caFile, AWS_REGION: HOME_REGION, S3FS_PART_SIZE: String(5 * 1024 * 1024), ...setUp(home) }
  const before = { ...box.identity.calls }
  const seenBefore = box.s3Requests.length
  const base = `s3://${bucket}/${uniquePrefix('tf-box')}`
  const plugin = tensorflowPluginPath()
  const parse = (run: { stdout: string; stderr: string }): Record<string, unknown> => {
    try {
      return JSON.parse(run.stdout) as Record<string, unknown>
    } catch {
      return { failed: run.stderr.slice(-2000) }
    }
  }
  const written = parse(await box.run(python, [surface, plugin, 'write', base, 'small:1000', `large:${LARGE}`], env))
  const outcome = JSON.stringify(written) === JSON.stringify({ small: { ok: true }, large: { ok: true } }) ? parse(await box.run(python, [surface, plugin, 'read', base, 'small', 'large'], env)) : written
  const used = sourcesUsed(box.identity.calls, before)
  const read = outcome as Record<string, { sha256?: string }>
  matrix.push([label, read.small?.sha256 && read.large?.sha256 ? 'written and read back ✓' : `✗ ${JSON.stringify(outcome).slice(0, 300)}`])
  return { outcome, used, hosts: [...new Set(box.s3Requests.slice(seenBefore).map((seen) => seen.host))] }
}

const READ_BACK = { small: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, large: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }

describe.skipIf(unavailable !== undefined)('the plugin in AWS in a box: the CRT default chain, no endpoint override', () => {
  test('environment keys; the bucket addressed virtual-hosted on its regional host name', async () => {
    const { outcome, hosts } = await job('environment keys', HOME_BUCKET, () => environmentKeys(box.rootCredentials))
    expect(outcome).toEqual(READ_BACK)
    expect(hosts).toEqual([`${HOME_BUCKET}.s3.${HOME_REGION}.amazonaws.com`])
  })

  test('AWS_USE_DUALSTACK_ENDPOINT and AWS_USE_FIPS_ENDPOINT lead to the dualstack and FIPS host names', async () => {
    const keys = environmentKeys(box.rootCredentials)
    const dualstack = await job('dualstack endpoint', HOME_BUCKET, () => ({ ...keys, AWS_USE_DUALSTACK_ENDPOINT: 'true' }))
    expect(dualstack.outcome).toEqual(READ_BACK)
    expect(dualstack.hosts).toEqual([`${HOME_BUCKET}.s3.dualstack.${HOME_REGION}.amazonaws.com`])
    const fips = await job('FIPS endpoint', HOME_BUCKET, () => ({ ...keys, AWS_USE_FIPS_ENDPOINT: 'true' }))
    expect(fips.outcome).toEqual(READ_BACK)
    expect(fips.hosts).toEqual([`${HOME_BUCKET}.s3-fips.${HOME_REGION}.amazonaws.com`])
  })

  test('EC2 instance role over IMDSv2 at 169.254.169.254', async () => {
    const { outcome, used } = await job('EC2 instance role (IMDSv2)', HOME_BUCKET, () => ({}))
    expect(outcome).toEqual(READ_BACK)
    expect(used.imds).toBeGreaterThanOrEqual(1)
  })

  test('ECS task role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI at 169.254.170.2', async () => {
    const { outcome, used } = await job('ECS task role', HOME_BUCKET, () => ({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/s3fs' }))
    expect(outcome).toEqual(READ_BACK)
    expect(used.container).toBeGreaterThanOrEqual(1)
  })

  test('EKS Pod Identity: 169.254.170.23 with the token file', async () => {
    const { outcome, used } = await job('EKS Pod Identity', HOME_BUCKET, (home) => podIdentity(home, box.identity.token, 'http://169.254.170.23/v1/credentials'))
    expect(outcome).toEqual(READ_BACK)
    expect(used.container).toBeGreaterThanOrEqual(1)
  })

  test('EKS IRSA: web identity token file and role, through STS at its own host name', async () => {
    const { outcome, used } = await job('EKS IRSA (web identity)', HOME_BUCKET, (home) => webIdentity(home, box.identity.token))
    expect(outcome).toEqual(READ_BACK)
    expect(used['sts-web-identity']).toBeGreaterThanOrEqual(1)
  })

  test('a role assumed from a source profile', async () => {
    const { outcome, used } = await job('assume-role profile', HOME_BUCKET, (home) => assumeRoleProfile(home, box.rootCredentials))
    expect(outcome).toEqual(READ_BACK)
    expect(used['sts-assume-role']).toBeGreaterThanOrEqual(1)
  })

  test('a 65 s job across two expiries of its instance-role keys, each refused by S3 once expired: no request is signed with expired keys', async () => {
    const home = mkdtempSync(path.join(scratch, 'home-'))
    box.identity.setLifetime(30_000)
    const before = box.identity.calls.imds
    const seenBefore = box.s3Requests.length
    let outcome: Record<string, unknown>
    try {
      const env = { HOME: home, TF_CPP_MIN_LOG_LEVEL: '2', AWS_CA_BUNDLE: box.caFile, AWS_REGION: HOME_REGION, S3FS_PART_SIZE: String(5 * 1024 * 1024) }
      const run = await box.run(python, [surface, tensorflowPluginPath(), 'soak', `s3://${HOME_BUCKET}/${uniquePrefix('tf-soak')}`, '65'], env)
      outcome = JSON.parse(run.stdout || '{}') as Record<string, unknown>
    } finally {
      box.identity.setLifetime(undefined)
    }
    matrix.push(['EC2 instance role, 30 s keys, 65 s of I/O', outcome.error === undefined ? `${String(outcome.rounds)} rounds ✓` : `✗ ${JSON.stringify(outcome)}`])
    expect(outcome).toEqual({ rounds: expect.any(Number) })
    expect(outcome.rounds).toBeGreaterThan(10)
    expect(box.identity.calls.imds - before).toBeGreaterThanOrEqual(3)
    expect(box.s3Requests.slice(seenBefore).filter((seen) => seen.status === 400)).toEqual([])
  }, 180_000)

  test('a bucket in another region: a 301 from the configured region, then its own regional host', async () => {
    const { outcome, hosts } = await job(`bucket in ${FAR_REGION}, AWS_REGION=${HOME_REGION}`, FAR_BUCKET, () => environmentKeys(box.rootCredentials))
    expect(outcome).toEqual(READ_BACK)
    expect(hosts).toEqual(expect.arrayContaining([`${FAR_BUCKET}.s3.${HOME_REGION}.amazonaws.com`, `${FAR_BUCKET}.s3.${FAR_REGION}.amazonaws.com`]))
  })
})
