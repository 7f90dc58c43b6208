import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

import { CreateBucketCommand } from '@aws-sdk/client-s3'

import { freePort, minioBinary, minioEnv, referenceClient } from '../../lib/cli/local-minio.js'

/** MinIO in distributed, erasure-coded mode: one drive per server, every server on loopback. */
export interface MinioCluster {
  /** Each server's S3 endpoint; every one serves the whole cluster. */
  endpoints: string[]
  accessKeyId: string
  secretAccessKey: string
  region: string
  /** Kills server `i` at once (SIGKILL), as a lost machine. */
  kill(i: number): Promise<void>
  /** Starts server `i` again on its port and drive. */
  restart(i: number): Promise<void>
  stop(): Promise<void>
}

function clusterHealthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(`${endpoint}/minio/health/cluster`, (response) => {
        response.resume()
        resolve(response.statusCode === 200)
      })
      .on('error', () => resolve(false))
  })
}

/**
 * Starts `size` MinIO servers forming one erasure set, with the given buckets; resolves once the
 * cluster has write quorum. MinIO refuses loopback peers inside a container unless told which
 * endpoint is its own (_MINIO_SERVER_LOCAL), and drives on the root file system unless in CI mode.
 */
export async function startMinioCluster(size: number, buckets: string[]): Promise<MinioCluster> {
  const binary = minioBinary()
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3fs-minio-cluster-'))
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()))
  const consolePorts = await Promise.all(Array.from({ length: size }, () => freePort()))
  const drives = ports.map((port, i) => {
    mkdirSync(path.join(dataDir, `drive${i}`))
    return `http://127.0.0.1:${port}${path.join(dataDir, `drive${i}`)}`
  })
  const accessKeyId = `test${randomBytes(6).toString('hex')}`
  const secretAccessKey = randomBytes(20).toString('hex')
  const children: Array<ChildProcess | undefined> = []
  const logs: string[] = ports.map(() => '')
  const launch = (i: number): void => {
    const child = spawn(binary, ['server', '--quiet', '--address', `127.0.0.1:${ports[i]}`, '--console-address', `127.0.0.1:${consolePorts[i]}`, ...drives], {
      env: {
        ...minioEnv(dataDir, { accessKeyId, secretAccessKey }),
        MINIO_CI_CD: '1',
        _MINIO_SERVER_LOCAL: `127.0.0.1:${ports[i]}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer): void => void (logs[i] = (logs[i] + chunk.toString()).slice(-10_000))
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    children[i] = child
  }
  const endpoints = ports.map((port) => `http://127.0.0.1:${port}`)
  const kill = async (i: number): Promise<void> => {
    const child = children[i]
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
  const untilHealthy = async (endpoint: string): Promise<void> => {
    const deadline = Date.now() + 90_000
    while (!(await clusterHealthy(endpoint))) {
      if (Date.now() > deadline) throw new Error(`the MinIO cluster did not reach quorum within 90 s:\n${logs.join('\n---\n')}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((_, i) => kill(i)))
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    ports.forEach((_, i) => launch(i))
    await Promise.all(endpoints.map(untilHealthy))
    const cluster: MinioCluster = {
      endpoints,
      accessKeyId,
      secretAccessKey,
      region: 'us-east-1',
      kill,
      restart: async (i) => {
        await kill(i)
        launch(i)
        await untilHealthy(endpoints[i]!)
      },
      stop,
    }
    const client = referenceClient({ ...cluster, endpoint: endpoints[0]! })
    for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }))
    client.destroy()
    return cluster
  } catch (error) {
    await stop()
    throw error
  }
}
