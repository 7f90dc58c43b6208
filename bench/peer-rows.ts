// The rows of the peer comparison (npm run bench -- --peers): the workloads the clients a user would
// pick instead are measured on, with the parameters every client gets alike.
export const MiB = 1024 * 1024

export interface PeerJob {
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
  bucket: string
  runPrefix: string
  largeSize: number
  randomCount: { rand1: number; rand32: number }
  statCount: number
  downloadCount: number
  downloadSize: number
  downloadDir: string
}

export interface PeerRow {
  id: 'get' | 'put' | 'rand1' | 'rand32' | 'stat' | 'list' | 'download'
  name: string
  /** MiB/s for byte rows (CPU per GiB), ops/s for request rows (CPU per 1000 operations). */
  unit: 'MiB/s' | 'ops/s'
  /** nginx serves files, so it takes plain GETs and HEADs only. */
  nginx: boolean
}

const largeMiB = Number(process.env.BENCH_LARGE_MIB ?? 1024)
const large = largeMiB % 1024 === 0 ? `${largeMiB / 1024} GiB` : `${largeMiB} MiB`

export const peerRows: PeerRow[] = [
  { id: 'get', name: `GET ${large} whole into memory`, unit: 'MiB/s', nginx: true },
  { id: 'put', name: `PUT ${large} from memory`, unit: 'MiB/s', nginx: false },
  { id: 'rand1', name: '4 KiB random reads, 1 in flight', unit: 'ops/s', nginx: true },
  { id: 'rand32', name: '4 KiB random reads, 32 in flight', unit: 'ops/s', nginx: true },
  { id: 'stat', name: '1000 sequential stat', unit: 'ops/s', nginx: true },
  { id: 'list', name: 'list 10 000 keys (keys/s)', unit: 'ops/s', nginx: false },
  { id: 'download', name: 'download 200 x 1 MiB to disk', unit: 'MiB/s', nginx: false },
]

export const peerSizes = {
  largeSize: largeMiB * MiB,
  randomCount: { rand1: 1000, rand32: 5000 },
  statCount: 1000,
  listCount: 10_000,
  downloadCount: 200,
  downloadSize: MiB,
}
