import { execFileSync } from 'node:child_process'

import { expect, test } from 'vitest'

import { server, testFs, uniquePrefix, url } from '../helpers.js'

// Reads TCP_NODELAY on every socket this process holds to the test server, from outside: Python
// takes a duplicate of each descriptor (pidfd_getfd) and asks the kernel.
const inspectSockets = String.raw`
import ctypes, json, os, socket, sys
pid, port = int(sys.argv[1]), int(sys.argv[2])
inodes = set()
for table in ('/proc/%d/net/tcp' % pid, '/proc/%d/net/tcp6' % pid):
    try:
        rows = open(table).read().splitlines()[1:]
    except FileNotFoundError:
        continue
    for row in rows:
        fields = row.split()
        if int(fields[2].split(':')[1], 16) == port and fields[3] == '01':
            inodes.add(fields[9])
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_getfd = 438
pidfd = os.pidfd_open(pid)
found = []
for name in os.listdir('/proc/%d/fd' % pid):
    try:
        target = os.readlink('/proc/%d/fd/%s' % (pid, name))
    except OSError:
        continue
    if target.startswith('socket:[') and target[8:-1] in inodes:
        fd = libc.syscall(SYS_pidfd_getfd, pidfd, int(name), 0)
        if fd < 0:
            sys.exit('pidfd_getfd: errno %d' % ctypes.get_errno())
        s = socket.socket(fileno=fd)
        found.append(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        s.detach()
        os.close(fd)
print(json.dumps(found))
`

// HTTP/1.1 sends a request's head and the start of its body, then the rest: with Nagle's algorithm
// on, a body of 16-64 KiB waits for the server's delayed ACK (40 ms on Linux). The CRT's sockets get
// TCP_NODELAY from scripts/crt-patches/io-tcp-nodelay.patch; without it this test fails.
test('every connection to the server has Nagle off (TCP_NODELAY)', async () => {
  const fs = testFs()
  const key = url(`${uniquePrefix('nodelay')}/object`)
  await fs.writeFile(key, Buffer.alloc(48 * 1024, 1))
  await fs.stat(key)
  const flags = JSON.parse(
    execFileSync('python3', ['-c', inspectSockets, String(process.pid), String(server.port)], { encoding: 'utf8' }),
  ) as number[]
  fs.close()
  expect(flags.length).toBeGreaterThan(0)
  expect(flags.every((flag) => flag !== 0)).toBe(true)
})
