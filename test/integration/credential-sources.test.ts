// Every source of the AWS SDK's default chain, as a job on AWS meets it, with the services behind
// them emulated on loopback (test/server/identity-services.ts) handing out real temporary
// credentials of the test server. The SDK reads these sources' variables from process.env; each
// test sets them there and gets a home directory of its own (so a chain of its own).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { S3FileSystem } from '../../lib/index.js'
import { assumeRoleProfile, credentialProcessProfile, podIdentity, sourcesUsed, ssoProfile, webIdentity } from '../server/credential-setups.js'
import { type IdentityServices, type IdentitySource, startIdentityServices } from '../server/identity-services.js'
import { server, testEnv, uniquePrefix, url } from '../helpers.js'

let identity: IdentityServices
const scratch = mkdtempSync(path.join(os.tmpdir(), 's3fs-sources-'))

beforeAll(async () => {
  identity = await startIdentityServices(server)
})
afterAll(async () => {
  await identity.close()
  rmSync(scratch, { recursive: true, force: true })
})

/** The variables of every source, so that none leaks in from the machine or another test. */
const SOURCE_VARIABLES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_EC2_METADATA_DISABLED', 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_SSO', 'HOME',
]

/**
 * Runs a round trip (write, read back, remove) through a filesystem whose only credential source is
 * what `setUp` puts in place, and says which identity service handed out credentials.
 */
async function roundTripWith(setUp: (home: string) => Record<string, string> | Promise<Record<string, string>>, options: { profile?: string } = {}): Promise<Partial<Record<IdentitySource, number>>> {
  const home = mkdtempSync(path.join(scratch, 'home-'))
  mkdirSync(path.join(home, '.aws'))
  const variables = { HOME: home, ...(await setUp(home)) }
  const saved = new Map(SOURCE_VARIABLES.map((name) => [name, process.env[name]]))
  for (const name of SOURCE_VARIABLES) delete process.env[name]
  Object.assign(process.env, variables)
  const before = { ...identity.calls }
  const env = testEnv(variables)
  delete env.AWS_ACCESS_KEY_ID
  delete env.AWS_SECRET_ACCESS_KEY
  delete env.AWS_EC2_METADATA_DISABLED
  const fs = new S3FileSystem({ env, ...options })
  try {
    const key = `${uniquePrefix('source')}/object`
    await fs.writeFile(url(key), 'signed by the source')
    expect((await fs.readFile(url(key))).toString()).toBe('signed by the source')
    await fs.rm(url(key))
  } finally {
    fs.close()
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  return sourcesUsed(identity.calls, before)
}

describe("the AWS SDK's default chain on both backends", () => {
  test('EC2 instance role (IMDSv2)', async () => {
    expect(await roundTripWith(() => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: identity.endpoint }))).toEqual({ imds: 1 })
  })

  test('ECS task role: AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN', async () => {
    const used = await roundTripWith(() => ({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${identity.endpoint}/container`, AWS_CONTAINER_AUTHORIZATION_TOKEN: identity.token }))
    expect(used).toEqual({ container: 1 })
  })

  test('EKS Pod Identity: the token read from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', async () => {
    const used = await roundTripWith((home) => podIdentity(home, identity.token, `${identity.endpoint}/container`))
    expect(used).toEqual({ container: 1 })
  })

  test('EKS IRSA: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, through STS', async () => {
    const used = await roundTripWith((home) => ({ ...webIdentity(home, identity.token), AWS_ENDPOINT_URL_STS: identity.endpoint }))
    expect(used).toEqual({ 'sts-web-identity': 1 })
  })

  test('credential_process in the profile', async () => {
    let runs = ''
    const used = await roundTripWith(async (home) => {
      ;({ runs } = credentialProcessProfile(home, await identity.mint()))
      return {}
    }, { profile: 'batch' })
    expect(used).toEqual({})
    expect(readFileSync(runs, 'utf8')).toBe('run\n')
  })

  test('a role assumed from a source profile (role_arn, source_profile)', async () => {
    const used = await roundTripWith((home) => ({ ...assumeRoleProfile(home, server), AWS_ENDPOINT_URL_STS: identity.endpoint }))
    expect(used).toEqual({ 'sts-assume-role': 1 })
  })

  test('SSO (sso_session), from the token cache the AWS CLI\'s login leaves', async () => {
    const used = await roundTripWith((home) => ({ ...ssoProfile(home, identity.token, 'us-east-1'), AWS_ENDPOINT_URL_SSO: identity.endpoint }))
    expect(used).toEqual({ sso: 1 })
  })
})
