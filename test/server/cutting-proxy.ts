import net from 'node:net'

export interface CuttingProxy {
  endpoint: string
  /** Connections cut so far. */
  readonly cuts: number
  close(): Promise<void>
}

/**
 * A loopback TCP proxy that forwards to `targetPort` and cuts every connection once the client has
 * sent more than `limitBytes`: small requests pass, large uploads fail every time they are tried.
 */
export async function startCuttingProxy(targetPort: number, limitBytes: number): Promise<CuttingProxy> {
  let cuts = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    sockets.add(client)
    sockets.add(upstream)
    let sent = 0
    const cut = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length
      if (sent > limitBytes) {
        cuts++
        cut()
        return
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
    client.on('close', () => {
      sockets.delete(client)
      upstream.destroy()
    })
    upstream.on('close', () => {
      sockets.delete(upstream)
      client.destroy()
    })
    client.on('error', cut)
    upstream.on('error', cut)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get cuts() {
      return cuts
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
