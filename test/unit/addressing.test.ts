import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, test } from 'vitest'

import { awsS3Host } from '../../lib/addressing.js'
import { parseConfigFile, profileSettings } from '../../lib/aws-config-file.js'
import { resolveConfig } from '../../lib/config.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-addressing-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CONFIG = `# a comment
[default]
region = eu-west-1
s3 =
  addressing_style = virtual
  use_dualstack_endpoint = true

[profile minio]
region = us-west-2   ; where the bucket lives
endpoint_url = http://127.0.0.1:9000
ca_bundle = /etc/ssl/minio.pem

[profile local]
services = local-s3
endpoint_url = http://127.0.0.1:1

[services local-s3]
s3 =
  endpoint_url = http://127.0.0.1:9001
sts =
  endpoint_url = http://127.0.0.1:9002

[profile fips]
use_fips_endpoint = true
region = us-gov-west-1
ignore_configured_endpoint_urls = true
endpoint_url = http://127.0.0.1:9000
`

function configFile(text = CONFIG): string {
  const file = path.join(dir, `config-${Math.random().toString(16).slice(2)}`)
  writeFileSync(file, text)
  return file
}

describe('the AWS shared config file', () => {
  test('profiles, nested settings, services sections and comments, as the AWS CLI reads them', () => {
    const parsed = parseConfigFile(CONFIG)
    const byDefault = profileSettings(parsed, 'default')
    expect(byDefault.get('region')).toBe('eu-west-1')
    expect(byDefault.s3('addressing_style')).toBe('virtual')
    expect(byDefault.s3('use_dualstack_endpoint')).toBe('true')
    expect(profileSettings(parsed, 'minio').get('region')).toBe('us-west-2')
    expect(profileSettings(parsed, 'local').servicesEndpoint()).toBe('http://127.0.0.1:9001')
    expect(profileSettings(parsed, 'absent').get('region')).toBeUndefined()
  })
})

describe('region and endpoint the way the AWS CLI resolves them', () => {
  test('the region: AWS_REGION, S3_REGION, AWS_DEFAULT_REGION, then the profile, then us-east-1', () => {
    const AWS_CONFIG_FILE = configFile()
    expect(resolveConfig({ env: { AWS_CONFIG_FILE } }).region).toBe('eu-west-1')
    expect(resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'minio' } }).region).toBe('us-west-2')
    expect(resolveConfig({ profile: 'minio', env: { AWS_CONFIG_FILE, AWS_DEFAULT_REGION: 'ap-south-1' } }).region).toBe('ap-south-1')
    expect(resolveConfig({ env: { AWS_CONFIG_FILE: path.join(dir, 'none') } }).region).toBe('us-east-1')
  })

  test('the endpoint: S3_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the services section, the profile', () => {
    const AWS_CONFIG_FILE = configFile()
    expect(resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'local' } })).toMatchObject({ endpointHost: '127.0.0.1', endpointPort: 9001 })
    expect(resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'minio' } })).toMatchObject({ endpointHost: '127.0.0.1', endpointPort: 9000, useHttps: false })
    expect(resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'local', AWS_ENDPOINT_URL: 'http://h:2' } })).toMatchObject({ endpointHost: 'h', endpointPort: 2 })
    expect(resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'local', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } }).endpointHost).toBe('')
    expect(resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'fips' } }).endpointHost).toBe('')
    const bad = configFile('[default]\nendpoint_url = ftp://x\n')
    expect(() => resolveConfig({ env: { AWS_CONFIG_FILE: bad } })).toThrow(/endpoint_url of profile 'default' scheme must be http or https/)
  })

  test("the profile's ca_bundle, after S3_CA_FILE and AWS_CA_BUNDLE", () => {
    const AWS_CONFIG_FILE = configFile()
    expect(() => resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'minio', S3_USE_HTTPS: '1', S3_ENDPOINT: 'https://h:1' } })).toThrow(/the profile's ca_bundle names \/etc\/ssl\/minio.pem/)
  })

  test('addressing style, dualstack and FIPS from options, variables and the profile', () => {
    const AWS_CONFIG_FILE = configFile()
    expect(resolveConfig({ env: { AWS_CONFIG_FILE } })).toMatchObject({ addressingStyle: 'virtual', useDualstack: true, useFips: false })
    expect(resolveConfig({ env: { AWS_CONFIG_FILE, AWS_PROFILE: 'fips' } })).toMatchObject({ addressingStyle: 'auto', useDualstack: false, useFips: true })
    expect(resolveConfig({ addressingStyle: 'path', env: { AWS_CONFIG_FILE, S3FS_ADDRESSING_STYLE: 'virtual', AWS_USE_DUALSTACK_ENDPOINT: 'false' } })).toMatchObject({
      addressingStyle: 'path',
      useDualstack: false,
    })
    expect(() => resolveConfig({ env: { S3FS_ADDRESSING_STYLE: 'sideways' } })).toThrow(/auto, virtual or path/)
  })

  test("AWS's host names per partition, with dualstack and FIPS", () => {
    expect(awsS3Host('us-east-1', false, false)).toBe('s3.us-east-1.amazonaws.com')
    expect(awsS3Host('eu-west-1', true, false)).toBe('s3.dualstack.eu-west-1.amazonaws.com')
    expect(awsS3Host('us-gov-west-1', false, true)).toBe('s3-fips.us-gov-west-1.amazonaws.com')
    expect(awsS3Host('us-east-2', true, true)).toBe('s3-fips.dualstack.us-east-2.amazonaws.com')
    expect(awsS3Host('cn-north-1', false, false)).toBe('s3.cn-north-1.amazonaws.com.cn')
  })
})
