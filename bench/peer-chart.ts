// The peer table as a picture (bench/results-peers.svg): per workload, each client's rate against the
// fastest peer's, with the 1.2x target marked. Plain SVG, so that it renders on any Markdown viewer.

export interface ChartBar {
  client: string
  /** The client's name in the legend. */
  label: string
  /** The client's rate over the fastest peer's. */
  ratio: number
}

export interface ChartGroup {
  label: string
  bars: ChartBar[]
}

const COLORS: Record<string, string> = {
  native: '#d62728',
  pyarrow: '#1f77b4',
  s3torchconnector: '#2ca02c',
  boto3: '#9467bd',
  s5cmd: '#8c564b',
  'native-baseline': '#ff9896',
  curl: '#7f7f7f',
  'curl-memory': '#bcbd22',
}
const LABEL_WIDTH = 300
const PLOT_WIDTH = 460
const BAR_HEIGHT = 11
const GROUP_GAP = 12
const TOP = 56
const TARGET = 1.2

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function peerChartSvg(title: string, groups: ChartGroup[]): string {
  const longest = Math.max(TARGET, ...groups.flatMap((g) => g.bars.map((b) => b.ratio)))
  const scale = PLOT_WIDTH / (Math.ceil(longest * 2) / 2)
  const x = (ratio: number): number => LABEL_WIDTH + ratio * scale
  const height = TOP + groups.reduce((h, g) => h + g.bars.length * BAR_HEIGHT + GROUP_GAP, 0) + 36
  const width = LABEL_WIDTH + PLOT_WIDTH + 60
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ]
  const labels = new Map(groups.flatMap((g) => g.bars.map((b) => [b.client, b.label] as const)))
  const clients = [...labels.keys()]
  clients.forEach((client, i) => {
    parts.push(`<rect x="${10 + i * 130}" y="28" width="10" height="10" fill="${COLORS[client] ?? '#000'}"/>`, `<text x="${24 + i * 130}" y="37">${escape(labels.get(client)!)}</text>`)
  })
  let y = TOP
  for (const group of groups) {
    const groupHeight = group.bars.length * BAR_HEIGHT
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + groupHeight / 2 + 4}" text-anchor="end">${escape(group.label)}</text>`)
    for (const bar of group.bars) {
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y + 1}" width="${(bar.ratio * scale).toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${COLORS[bar.client] ?? '#000'}"/>`,
        `<text x="${(x(bar.ratio) + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 2}" font-size="9">${bar.ratio.toFixed(2)}</text>`,
      )
      y += BAR_HEIGHT
    }
    y += GROUP_GAP
  }
  const marks = [[1, 'fastest peer', ''], [TARGET, `target ${TARGET}x`, ' stroke-dasharray="4 3"']] as const
  marks.forEach(([ratio, label, dash], i) => {
    parts.push(`<line x1="${x(ratio)}" y1="${TOP - 6}" x2="${x(ratio)}" y2="${y}" stroke="black"${dash}/>`, `<text x="${x(ratio)}" y="${y + 12 + i * 12}" text-anchor="middle" font-size="9">${label}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
