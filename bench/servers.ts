import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { freePort, startMinio, type MinioServer } from '../lib/cli/local-minio.js'

export interface Nginx {
  endpoint: string
  root: string
  /** Its one process: the one that serves (no master), so that its CPU time is the server's. */
  pid(): number | undefined
  stop(): Promise<void>
}

function ensureNginx(): string {
  try {
    return execFileSync('bash', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).trim().split('\n')[0]!
  } catch {
    if (process.getuid?.() !== 0) throw new Error('the benchmark needs nginx: apt-get install nginx-light')
    execFileSync('apt-get', ['install', '-y', '-qq', 'nginx-light'], { stdio: 'inherit' })
    return '/usr/sbin/nginx'
  }
}

/** nginx serving files path-style (/bucket/key) on loopback: the ceiling without an S3 server's own cost. */
export async function startNginx(workDir: string): Promise<Nginx> {
  const binary = ensureNginx()
  const root = path.join(workDir, 'www')
  mkdirSync(root, { recursive: true })
  const port = await freePort()
  const conf = path.join(workDir, 'nginx.conf')
  writeFileSync(
    conf,
    `worker_processes 1;\nmaster_process off;\ndaemon off;\npid ${workDir}/nginx.pid;\nerror_log ${workDir}/nginx-error.log;\n` +
      `events { worker_connections 1024; }\n` +
      `http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;\n` +
      `  client_body_temp_path ${workDir}/nginx-body; proxy_temp_path ${workDir}/nginx-proxy; fastcgi_temp_path ${workDir}/nginx-fcgi;\n` +
      `  uwsgi_temp_path ${workDir}/nginx-uwsgi; scgi_temp_path ${workDir}/nginx-scgi;\n` +
      `  server { listen 127.0.0.1:${port}; root ${root}; location / { } } }\n`,
  )
  const child: ChildProcess = spawn(binary, ['-c', conf, '-p', workDir], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    root,
    pid: () => child.pid,
    stop: async () => {
      child.kill('SIGTERM')
    },
  }
}

export { startMinio, type MinioServer }
