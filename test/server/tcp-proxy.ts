import net from 'node:net'

export interface ProxyOptions {
  /** Cut a connection once the client has sent more than this many bytes. */
  cutAfterBytes?: number
  /** Forward requests but never send a response byte back. */
  stallResponses?: boolean
  /** Stall a connection's responses from its first GET on (HEADs and the rest still answer). */
  stallGets?: boolean
}

export interface TcpProxy {
  endpoint: string
  /** Connections accepted so far. */
  readonly connections: number
  /** Connections cut so far. */
  readonly cuts: number
  /** The request lines seen ("GET /bucket?list-type=2&prefix=a HTTP/1.1"), in order. */
  readonly requests: string[]
  /** Bytes the clients have sent, request heads and bodies: what they uploaded. */
  readonly bytesFromClients: number
  close(): Promise<void>
}

/**
 * A loopback TCP proxy in front of the test server, for what a real server does not do on demand:
 * count connections, cut large uploads on every try, stall responses.
 */
export async function startTcpProxy(targetPort: number, options: ProxyOptions = {}): Promise<TcpProxy> {
  let connections = 0
  let cuts = 0
  let bytesFromClients = 0
  const requests: string[] = []
  const sockets = new Set<net.Socket>()
  // No Nagle on either leg: the proxy must not add delayed-ACK stalls that the direct path does not have.
  const server = net.createServer({ noDelay: true }, (client) => {
    connections++
    let stalled = options.stallResponses === true
    const upstream = net.connect({ port: targetPort, host: '127.0.0.1', noDelay: true })
    sockets.add(client)
    sockets.add(upstream)
    let sent = 0
    const cut = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('data', (chunk: Buffer) => {
      for (const match of chunk.toString('latin1').matchAll(/(?:GET|HEAD|PUT|POST|DELETE) \/\S* HTTP\/1\.1\r\n/g)) {
        requests.push(match[0].trimEnd())
        if (options.stallGets && match[0].startsWith('GET ')) stalled = true
      }
      sent += chunk.length
      bytesFromClients += chunk.length
      if (options.cutAfterBytes !== undefined && sent > options.cutAfterBytes) {
        cuts++
        cut()
        return
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (!stalled) client.write(chunk)
    })
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
    get connections() {
      return connections
    },
    get cuts() {
      return cuts
    },
    get bytesFromClients() {
      return bytesFromClients
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
