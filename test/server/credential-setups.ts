// What a job's home and environment hold for each credential source, as the AWS tools leave them:
// one place for the tests that run every source (on loopback, in the AWS emulation, in TensorFlow).
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import type { IdentitySource } from './identity-services.js'

export const ROLE_ARN = 'arn:aws:iam::000000000000:role/s3fs-test-role'

interface Keys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export function environmentKeys(keys: Keys): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }
}

/** EKS Pod Identity: the agent's URI and the token file EKS mounts. */
export function podIdentity(home: string, token: string, uri: string): Record<string, string> {
  writeFileSync(path.join(home, 'token'), token)
  return { AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: path.join(home, 'token') }
}

/** EKS IRSA: the projected web identity token and the role. */
export function webIdentity(home: string, token: string): Record<string, string> {
  writeFileSync(path.join(home, 'token'), token)
  return { AWS_WEB_IDENTITY_TOKEN_FILE: path.join(home, 'token'), AWS_ROLE_ARN: ROLE_ARN, AWS_ROLE_SESSION_NAME: 'box' }
}

/** Profile `ml` assumes the role with the static keys of profile `base`. */
export function assumeRoleProfile(home: string, keys: Keys): Record<string, string> {
  writeFileSync(path.join(home, '.aws', 'credentials'), `[base]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`)
  writeFileSync(path.join(home, '.aws', 'config'), `[profile ml]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\n`)
  return { AWS_PROFILE: 'ml' }
}

/** Profile `dev` signed in through SSO session `corp`: the AWS CLI's login cache holds `token`. */
export function ssoProfile(home: string, token: string, region: string): Record<string, string> {
  const cache = path.join(home, '.aws', 'sso', 'cache')
  mkdirSync(cache, { recursive: true })
  const startUrl = 'https://s3fs-test.awsapps.com/start'
  writeFileSync(path.join(cache, `${createHash('sha1').update('corp').digest('hex')}.json`), JSON.stringify({ startUrl, region, accessToken: token, expiresAt: new Date(Date.now() + 3600_000).toISOString() }))
  writeFileSync(
    path.join(home, '.aws', 'config'),
    `[profile dev]\nsso_session = corp\nsso_account_id = 000000000000\nsso_role_name = s3fs-test-role\nregion = ${region}\n\n[sso-session corp]\nsso_region = ${region}\nsso_start_url = ${startUrl}\n`,
  )
  return { AWS_PROFILE: 'dev' }
}

/** Profile `batch` runs a credential_process that prints `keys` and notes each run in the file `runs`. */
export function credentialProcessProfile(home: string, keys: Required<Keys>): { runs: string } {
  const document = path.join(home, 'process-credentials.json')
  const runs = path.join(home, 'process-runs')
  writeFileSync(document, JSON.stringify({ Version: 1, AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, SessionToken: keys.sessionToken, Expiration: keys.expiration.toISOString() }))
  writeFileSync(path.join(home, '.aws', 'config'), `[profile batch]\ncredential_process = sh -c "echo run >> ${runs}; cat ${document}"\n`)
  return { runs }
}

/** Which identity services handed out credentials since `before` (a copy of the counts), and how often. */
export function sourcesUsed(calls: Record<IdentitySource, number>, before: Record<IdentitySource, number>): Partial<Record<IdentitySource, number>> {
  const used: Partial<Record<IdentitySource, number>> = {}
  for (const source of Object.keys(calls) as IdentitySource[]) {
    if (calls[source] !== before[source]) used[source] = calls[source] - before[source]
  }
  return used
}
