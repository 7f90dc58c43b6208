import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, test } from 'vitest'

import { parseEndpoint, resolveConfig } from '../../lib/config.js'

describe('resolveConfig reads the environment as TensorFlow does', () => {
  test('defaults', () => {
    const c = resolveConfig({ env: { HOME: '/home/u' } })
    expect(c).toMatchObject({
      region: 'us-east-1',
      endpointHost: '',
      useHttps: true,
      verifySsl: true,
      connectTimeoutMs: 3000,
      requestTimeoutMs: 30_000,
      partSize: 8 * 1024 * 1024,
      unsignedRequests: false,
      logLevel: 0,
    })
    expect(c.credentials).toBeUndefined()
    expect(c.credentialsProvider).toBeDefined()
  })

  test('AWS_REGION, else S3_REGION, else AWS_DEFAULT_REGION, else us-east-1', () => {
    expect(resolveConfig({ env: { AWS_REGION: 'eu-west-1', S3_REGION: 'x', AWS_DEFAULT_REGION: 'y' } }).region).toBe('eu-west-1')
    expect(resolveConfig({ env: { S3_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'y' } }).region).toBe('ap-south-1')
    expect(resolveConfig({ env: { AWS_DEFAULT_REGION: 'sa-east-1' } }).region).toBe('sa-east-1')
    expect(resolveConfig({ env: {} }).region).toBe('us-east-1')
  })

  test('S3_ENDPOINT, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', () => {
    const both = { AWS_ENDPOINT_URL_S3: 'http://s3-only:9000', AWS_ENDPOINT_URL: 'https://every-service:9443' }
    expect(resolveConfig({ env: { S3_ENDPOINT: 'tf:1', ...both } })).toMatchObject({ endpointHost: 'tf', endpointPort: 1 })
    expect(resolveConfig({ env: both })).toMatchObject({ endpointHost: 's3-only', endpointPort: 9000, useHttps: false })
    expect(resolveConfig({ env: { AWS_ENDPOINT_URL: both.AWS_ENDPOINT_URL } })).toMatchObject({ endpointHost: 'every-service', endpointPort: 9443, useHttps: true })
    expect(resolveConfig({ env: { ...both, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } }).endpointHost).toBe('')
    // The option wins over all of them; '' asks for AWS.
    expect(resolveConfig({ endpoint: '', env: { S3_ENDPOINT: 'tf:1', ...both } }).endpointHost).toBe('')
    // A refusal names the variable the endpoint came from.
    expect(() => resolveConfig({ env: { AWS_ENDPOINT_URL_S3: 'ftp://h' } })).toThrow(/: AWS_ENDPOINT_URL_S3 scheme must be http or https/)
  })

  test('S3_ENDPOINT as host:port or URL, S3_USE_HTTPS, S3_VERIFY_SSL, CA file, timeouts', () => {
    const c = resolveConfig({
      env: {
        S3_ENDPOINT: 'minio.local:9000',
        S3_USE_HTTPS: '0',
        S3_VERIFY_SSL: '0',
        AWS_CA_BUNDLE: '/ca.pem',
        S3_CONNECT_TIMEOUT_MSEC: '500',
        S3_REQUEST_TIMEOUT_MSEC: '2000',
      },
    })
    expect(c).toMatchObject({ endpointHost: 'minio.local', endpointPort: 9000, useHttps: false, verifySsl: false, caFile: '/ca.pem', connectTimeoutMs: 500, requestTimeoutMs: 2000 })
    expect(resolveConfig({ env: { S3_ENDPOINT: 'https://s3.example.com', S3_USE_HTTPS: '0' } })).toMatchObject({ endpointHost: 's3.example.com', endpointPort: 0, useHttps: true })
    const dir = mkdtempSync(path.join(os.tmpdir(), 's3fs-ca-'))
    const [a, b] = ['a.pem', 'b.pem'].map((name) => path.join(dir, name))
    for (const file of [a!, b!]) writeFileSync(file, '')
    expect(resolveConfig({ env: { S3_CA_FILE: a, AWS_CA_BUNDLE: b } }).caFile).toBe(a)
    expect(resolveConfig({ env: { AWS_CA_BUNDLE: b } }).caFile).toBe(b)
    rmSync(dir, { recursive: true })
  })

  test('a CA file that cannot be read is refused for https, naming where it was set', () => {
    expect(() => resolveConfig({ env: { S3_CA_FILE: '/nonexistent/ca.pem' } })).toThrow(/ENOENT: S3_CA_FILE names \/nonexistent\/ca.pem, which cannot be read/)
    expect(() => resolveConfig({ env: { AWS_CA_BUNDLE: '/nonexistent/ca.pem' } })).toThrow(/AWS_CA_BUNDLE names/)
    expect(() => resolveConfig({ caFile: '/nonexistent/ca.pem', env: {} })).toThrow(/the caFile option names/)
    // Over plain http no certificate is checked, so the setting is not either.
    expect(resolveConfig({ env: { S3_USE_HTTPS: '0', S3_CA_FILE: '/nonexistent/ca.pem' } }).caFile).toBe('/nonexistent/ca.pem')
  })

  test('environment keys are static credentials unless a profile is named, as in the AWS SDK', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', AWS_SESSION_TOKEN: 'T' }
    const c = resolveConfig({ env: keys })
    expect(c.credentials).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'T' })
    expect(c.credentialsProvider).toBeUndefined()
    for (const named of [resolveConfig({ env: { ...keys, AWS_PROFILE: 'p' } }), resolveConfig({ profile: 'p', env: keys })]) {
      expect(named.credentials).toBeUndefined()
      expect(named.credentialsProvider).toBeDefined()
    }
    expect(resolveConfig({ env: { AWS_ACCESS_KEY_ID: 'AK' } }).credentials).toBeUndefined()
    const unsigned = resolveConfig({ env: { ...keys, AWS_NO_SIGN_REQUEST: '1' } })
    expect(unsigned).toMatchObject({ unsignedRequests: true })
    expect(unsigned.credentials ?? unsigned.credentialsProvider).toBeUndefined()
  })

  test('a provider function is cached once per function, and the default chain once per profile and files', () => {
    const provider = async () => ({ accessKeyId: 'AK', secretAccessKey: 'SK' })
    expect(resolveConfig({ credentials: provider, env: {} }).credentialsProvider).toBe(resolveConfig({ credentials: provider, env: {} }).credentialsProvider)
    const home = (HOME: string, AWS_PROFILE?: string) => resolveConfig({ env: { HOME, ...(AWS_PROFILE ? { AWS_PROFILE } : {}) } }).credentialsProvider
    expect(home('/a')).toBe(home('/a'))
    expect(home('/a')).not.toBe(home('/b'))
    expect(home('/a', 'p')).not.toBe(home('/a'))
    expect(() => resolveConfig({ credentials: { accessKeyId: 'AK', secretAccessKey: '' }, env: {} })).toThrow(/EINVAL/)
  })

  test('constructor options override the environment', () => {
    const c = resolveConfig({ region: 'r', endpoint: 'http://h:1', partSize: 16 * 1024 * 1024, unsigned: true, env: { AWS_REGION: 'x', S3_ENDPOINT: 'y:2' } })
    expect(c).toMatchObject({ region: 'r', endpointHost: 'h', endpointPort: 1, useHttps: false, partSize: 16 * 1024 * 1024, unsignedRequests: true })
  })

  test('invalid values are EINVAL', () => {
    expect(() => resolveConfig({ env: { S3_CONNECT_TIMEOUT_MSEC: 'soon' } })).toThrow(expect.objectContaining({ code: 'EINVAL' }))
    expect(() => resolveConfig({ partSize: 1024, env: {} })).toThrow(/from 5242880 to 5368709120/)
    expect(() => resolveConfig({ env: { S3_ENDPOINT: 'ftp://h' } })).toThrow(expect.objectContaining({ code: 'EINVAL' }))
    expect(() => resolveConfig({ env: { AWS_LOG_LEVEL: 'loud' } })).toThrow(expect.objectContaining({ code: 'EINVAL' }))
  })

  // Values the native engine's fields or Node's timers cannot hold used to wrap: 65536 I/O threads
  // became 0 (found by the environment_config fuzzer in the plugin's copy of these rules).
  test('numbers wider than what holds them are EINVAL, not wrapped', () => {
    const tooWide = {
      S3FS_IO_THREADS: '65536',
      S3_CONNECT_TIMEOUT_MSEC: String(2 ** 31),
      S3_REQUEST_TIMEOUT_MSEC: String(2 ** 32),
      S3FS_OPERATION_TIMEOUT_MSEC: String(2 ** 31),
      S3FS_MAX_CONNECTIONS: String(2 ** 32),
      S3FS_MAX_RETRIES: String(2 ** 32),
      S3FS_PART_SIZE: String(5 * 1024 ** 3 + 1),
    }
    for (const [name, value] of Object.entries(tooWide)) {
      expect(() => resolveConfig({ env: { [name]: value } }), name).toThrow(expect.objectContaining({ code: 'EINVAL', message: expect.stringContaining(`got ${value}`) }))
    }
    expect(resolveConfig({ env: { S3FS_IO_THREADS: '65535', S3_CONNECT_TIMEOUT_MSEC: String(2 ** 31 - 1) } })).toMatchObject({ eventLoopThreads: 65535, connectTimeoutMs: 2 ** 31 - 1 })
  })

  test('AWS_LOG_LEVEL by name or number, capped at info', () => {
    expect(resolveConfig({ env: { AWS_LOG_LEVEL: 'warn' } }).logLevel).toBe(3)
    expect(resolveConfig({ env: { AWS_LOG_LEVEL: '6' } }).logLevel).toBe(4)
    expect(resolveConfig({ env: { AWS_LOG_LEVEL: 'debug' } }).logLevel).toBe(4)
    expect(resolveConfig({ env: { AWS_LOG_LEVEL: 'TRACE' } }).logLevel).toBe(4)
  })
})

describe('parseEndpoint', () => {
  test('forms', () => {
    expect(parseEndpoint('127.0.0.1:9000')).toEqual({ host: '127.0.0.1', port: 9000 })
    expect(parseEndpoint('http://localhost:9000')).toEqual({ host: 'localhost', port: 9000, https: false })
    expect(parseEndpoint('https://s3.amazonaws.com')).toEqual({ host: 's3.amazonaws.com', port: 0, https: true })
    expect(parseEndpoint('[::1]:9000')).toEqual({ host: '[::1]', port: 9000 })
    expect(() => parseEndpoint('http://h:1/path')).toThrow(/path/)
  })
})
