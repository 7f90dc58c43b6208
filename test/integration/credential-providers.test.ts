// Credentials from a provider function, as `@aws-sdk/credential-providers` hands them out: real,
// short-lived MinIO credentials (its STS AssumeRole), which a proxy in front of MinIO refuses as
// expired once their time is up, so that a client that does not refresh in time fails.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { type Credentials, S3FileSystem, type S3FileSystemOptions } from '../../lib/index.js'
import { withoutNodeVersionWarning } from '../../lib/js/client.js'
import { type FaultProxy, startFaultProxy } from '../server/fault-proxy.js'
import { server, testEnv, uniquePrefix, url } from '../helpers.js'

const REFRESH_AHEAD_MS = 5 * 60_000

let proxy: FaultProxy
const sts = withoutNodeVersionWarning(
  () => new STSClient({ region: server.region, endpoint: server.endpoint, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } }),
)

beforeAll(async () => {
  proxy = await startFaultProxy(server.port)
})
afterAll(async () => {
  await proxy.close()
  sts.destroy()
})

/** Fresh temporary credentials from MinIO, valid for 15 minutes there. */
async function mint(): Promise<Required<Omit<Credentials, 'expiration'>>> {
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/s3fs-test', RoleSessionName: 's3fs-test', DurationSeconds: 900 }))
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! }
}

function accessKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization
  return typeof authorization === 'string' ? /Credential=([^/]+)\//.exec(authorization)?.[1] : undefined
}

function fsWith(credentials: S3FileSystemOptions['credentials']): S3FileSystem {
  const env = testEnv({ S3_ENDPOINT: proxy.endpoint })
  delete env.AWS_ACCESS_KEY_ID
  delete env.AWS_SECRET_ACCESS_KEY
  return new S3FileSystem({ env, credentials })
}

describe('a provider function as the credentials option', () => {
  test('its credentials sign every request; one call serves requests that wait together', async () => {
    let calls = 0
    const fs = fsWith(async () => {
      calls++
      return mint()
    })
    const prefix = uniquePrefix('provider')
    await Promise.all(Array.from({ length: 16 }, (_, i) => fs.writeFile(url(`${prefix}/${i}`), `object ${i}`)))
    expect((await fs.readdir(url(prefix))).length).toBe(16)
    await fs.rm(url(prefix), { recursive: true })
    fs.close()
    expect(calls).toBe(1)
  })

  test('credentials are refreshed ahead of expiry, so that no request is signed with expired ones', async () => {
    // Each set says it expires 5 minutes and 2 seconds from now: the client must refresh after 2 s,
    // as it would 5 minutes before a real expiry. The proxy refuses a set 4 s after it entered that window.
    const windowStartsAfterMs = 2000
    const revokedAfterMs = windowStartsAfterMs + 4000
    const revokeAt = new Map<string, number>()
    const seen = new Set<string>()
    proxy.setPlan({
      kind: 'expired-token',
      every: 1,
      matches: (_method, _url, headers) => {
        const key = accessKeyOf(headers)
        if (key !== undefined) seen.add(key)
        return key !== undefined && Date.now() >= (revokeAt.get(key) ?? Infinity)
      },
    })
    let calls = 0
    const fs = fsWith(async () => {
      calls++
      const keys = await mint()
      const issued = Date.now()
      revokeAt.set(keys.accessKeyId, issued + revokedAfterMs)
      return { ...keys, expiration: new Date(issued + REFRESH_AHEAD_MS + windowStartsAfterMs) }
    })
    try {
      const prefix = uniquePrefix('refresh')
      const until = Date.now() + 15_000
      let operations = 0
      for (let i = 0; Date.now() < until; i++) {
        await fs.writeFile(url(`${prefix}/${i % 4}`), `round ${i}`)
        expect((await fs.readFile(url(`${prefix}/${i % 4}`))).toString()).toBe(`round ${i}`)
        await fs.stat(url(`${prefix}/${i % 4}`))
        operations += 3
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      await fs.rm(url(prefix), { recursive: true })
      expect(operations).toBeGreaterThan(30)
    } finally {
      proxy.setPlan(undefined)
      fs.close()
    }
    expect(proxy.faults).toBe(0)
    expect(calls).toBeGreaterThanOrEqual(4)
    expect(seen.size).toBe(calls)
  }, 60_000)

  test('a failed refresh keeps the credentials that are still valid; the next one is tried seconds later', async () => {
    let calls = 0
    const fs = fsWith(async () => {
      calls++
      if (calls > 1) throw new Error('the identity service is down')
      return { ...(await mint()), expiration: new Date(Date.now() + REFRESH_AHEAD_MS + 1000) }
    })
    const key = `${uniquePrefix('kept')}/object`
    await fs.writeFile(url(key), 'kept')
    const until = Date.now() + 4000
    while (Date.now() < until) {
      expect((await fs.readFile(url(key))).toString()).toBe('kept')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await fs.rm(url(key))
    fs.close()
    // The first call, then the refresh once they were due, which failed: the next is not due for seconds.
    expect(calls).toBe(2)
  })

  test('a provider that fails: ECREDENTIALS saying so, with the URL and without its secrets', async () => {
    const fs = fsWith(async () => {
      throw new Error('token file /var/run/secrets/token is empty')
    })
    const error = await fs.stat(url('x')).catch((e: unknown) => e)
    fs.close()
    expect(error).toMatchObject({ code: 'ECREDENTIALS' })
    expect((error as Error).message).toContain('the credentials provider passed as the credentials option failed: token file /var/run/secrets/token is empty')
    expect((error as Error).message).toContain(url('x'))
  })
})
