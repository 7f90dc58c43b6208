// AWS in a box (test/server/aws-box.ts): each credential source and addressing rule on the
// library's default code paths, with AWS's own host names and addresses and no endpoint override,
// in a job process inside the emulation's network namespace (test/fixtures/box-client.mjs).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { type AwsBox, FAR_BUCKET, FAR_REGION, HOME_BUCKET, HOME_REGION, startAwsBox, whyNoAwsBox } from '../server/aws-box.js'
import { assumeRoleProfile, environmentKeys, podIdentity, sourcesUsed, ssoProfile, webIdentity } from '../server/credential-setups.js'
import type { IdentitySource } from '../server/identity-services.js'
import { backendUnderTest, uniquePrefix } from '../helpers.js'

const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'box-client.mjs')
const unavailable = whyNoAwsBox()
if (unavailable) console.log(`AWS emulation tests skipped: ${unavailable}`)

let box: AwsBox
const scratch = mkdtempSync(path.join(os.tmpdir(), 's3fs-box-homes-'))
const matrix: Array<[string, string]> = []

beforeAll(async () => {
  if (!unavailable) box = await startAwsBox()
}, 180_000)
afterAll(async () => {
  await box?.close()
  rmSync(scratch, { recursive: true, force: true })
  if (matrix.length > 0) console.log(`AWS emulation, ${backendUnderTest} backend:\n| source | result |\n|---|---|\n${matrix.map(([source, result]) => `| ${source} | ${result} |`).join('\n')}`)
})

interface Outcome {
  ok: boolean
  rounds?: number
  names?: string[]
  code?: string
  message?: string
}

/** A round trip by a job whose environment is `setUp`'s, plus the CA and its backend; what it said and which identity service it used. */
async function job(label: string, bucket: string, setUp: (home: string) => Record<string, string>, ...extra: string[]): Promise<{ outcome: Outcome; used: Partial<Record<IdentitySource, number>>; hosts: string[] }> {
  const home = mkdtempSync(path.join(scratch, 'home-'))
  mkdirSync(path.join(home, '.aws'))
  const env = { HOME: home, S3FS_BACKEND: backendUnderTest, AWS_CA_BUNDLE: box.caFile, NODE_EXTRA_CA_CERTS: box.caFile, AWS_REGION: HOME_REGION, ...setUp(home) }
  const before = { ...box.identity.calls }
  const seenBefore = box.s3Requests.length
  const run = await box.run(process.execPath, [client, `s3://${bucket}/${uniquePrefix('box')}`, ...extra], env)
  const outcome = JSON.parse(run.stdout.trim().split('\n').pop() || `{"ok":false,"message":${JSON.stringify(run.stderr)}}`) as Outcome
  const used = sourcesUsed(box.identity.calls, before)
  matrix.push([label, outcome.ok ? (outcome.rounds !== undefined ? `${outcome.rounds} rounds ✓` : 'round trip ✓') : `✗ ${outcome.message}`])
  return { outcome, used, hosts: [...new Set(box.s3Requests.slice(seenBefore).map((seen) => seen.host))] }
}

const ROUND_TRIP = { ok: true, names: ['large', 'small'] }
const VIRTUAL_HOST = `${HOME_BUCKET}.s3.${HOME_REGION}.amazonaws.com`

describe.skipIf(unavailable !== undefined)('AWS in a box: the default code paths, no endpoint override', () => {
  test('environment keys; the bucket addressed virtual-hosted on its regional host name', async () => {
    const { outcome, hosts } = await job('environment keys', HOME_BUCKET, () => environmentKeys(box.rootCredentials))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(hosts).toEqual([VIRTUAL_HOST])
  })

  test('AWS_USE_DUALSTACK_ENDPOINT and AWS_USE_FIPS_ENDPOINT lead to the dualstack and FIPS host names', async () => {
    const keys = environmentKeys(box.rootCredentials)
    const dualstack = await job('dualstack endpoint', HOME_BUCKET, () => ({ ...keys, AWS_USE_DUALSTACK_ENDPOINT: 'true' }))
    expect(dualstack.outcome).toEqual(ROUND_TRIP)
    expect(dualstack.hosts).toEqual([`${HOME_BUCKET}.s3.dualstack.${HOME_REGION}.amazonaws.com`])
    const fips = await job('FIPS endpoint', HOME_BUCKET, () => ({ ...keys, AWS_USE_FIPS_ENDPOINT: 'true' }))
    expect(fips.outcome).toEqual(ROUND_TRIP)
    expect(fips.hosts).toEqual([`${HOME_BUCKET}.s3-fips.${HOME_REGION}.amazonaws.com`])
  })

  test('EC2 instance role over IMDSv2 at 169.254.169.254', async () => {
    const { outcome, used, hosts } = await job('EC2 instance role (IMDSv2)', HOME_BUCKET, () => ({}))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(used).toEqual({ imds: 1 })
    expect(hosts).toEqual([VIRTUAL_HOST])
  })

  test('ECS task role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI at 169.254.170.2', async () => {
    const { outcome, used } = await job('ECS task role', HOME_BUCKET, () => ({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/s3fs' }))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(used).toEqual({ container: 1 })
  })

  test('EKS Pod Identity: 169.254.170.23 with the token file', async () => {
    const { outcome, used } = await job('EKS Pod Identity', HOME_BUCKET, (home) => podIdentity(home, box.identity.token, 'http://169.254.170.23/v1/credentials'))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(used).toEqual({ container: 1 })
  })

  test('EKS IRSA: web identity token file and role, through STS at its own host name', async () => {
    const { outcome, used } = await job('EKS IRSA (web identity)', HOME_BUCKET, (home) => webIdentity(home, box.identity.token))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(used).toEqual({ 'sts-web-identity': 1 })
  })

  test('a role assumed from a source profile', async () => {
    const { outcome, used } = await job('assume-role profile', HOME_BUCKET, (home) => assumeRoleProfile(home, box.rootCredentials))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(used).toEqual({ 'sts-assume-role': 1 })
  })

  test('SSO: the portal at its own host name, from the AWS CLI login cache', async () => {
    const { outcome, used } = await job('SSO (sso_session)', HOME_BUCKET, (home) => ssoProfile(home, box.identity.token, HOME_REGION))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(used).toEqual({ sso: 1 })
  })

  test('a 65 s job across two expiries of its instance-role keys, each refused by S3 once expired: refreshed in time, and not per request', async () => {
    box.identity.setLifetime(30_000)
    const seenBefore = box.s3Requests.length
    try {
      const { outcome, used } = await job('EC2 instance role, 30 s keys, 65 s of I/O', HOME_BUCKET, () => ({}), 'soak', '65')
      expect(outcome.ok).toBe(true)
      expect(outcome.rounds).toBeGreaterThan(20)
      // Keys due for refresh from the start (they expire in under 5 minutes): one refresh every 10 s, not one per request.
      expect(used.imds).toBeGreaterThanOrEqual(3)
      expect(used.imds).toBeLessThanOrEqual(15)
    } finally {
      box.identity.setLifetime(undefined)
    }
    expect(box.s3Requests.slice(seenBefore).filter((seen) => seen.status === 400)).toEqual([])
  }, 120_000)

  test('a bucket in another region: one 301 from the configured region, then its own regional host', async () => {
    const seenBefore = box.s3Requests.length
    const { outcome, hosts } = await job(`bucket in ${FAR_REGION}, AWS_REGION=${HOME_REGION}`, FAR_BUCKET, () => environmentKeys(box.rootCredentials))
    expect(outcome).toEqual(ROUND_TRIP)
    expect(hosts).toEqual([`${FAR_BUCKET}.s3.${HOME_REGION}.amazonaws.com`, `${FAR_BUCKET}.s3.${FAR_REGION}.amazonaws.com`])
    expect(box.s3Requests.slice(seenBefore).filter((seen) => seen.status === 301)).toHaveLength(1)
  })
})
