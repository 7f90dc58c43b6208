import { createWriteStream, writeFileSync } from 'node:fs'
import path from 'node:path'

import * as PImage from 'pureimage'

import type { Measurement } from './measure.js'

export interface Row {
  workload: string
  client: string
  server: string
  unit: 'MiB/s' | 'ops/s'
  measurements: Measurement[]
}

interface Summary {
  workload: string
  client: string
  server: string
  unit: string
  runs: number
  throughput: number
  cpu: number
  cpuUnit: string
  loopDelayP99Ms: number
  peakRssMiB: number
}

const MiB = 1024 * 1024
const GiB = 1024 * MiB

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function summarize(row: Row): Summary {
  const bytes = row.unit === 'MiB/s'
  return {
    workload: row.workload,
    client: row.client,
    server: row.server,
    unit: row.unit,
    runs: row.measurements.length,
    throughput: median(row.measurements.map((m) => (bytes ? m.amount / MiB : m.amount) / m.seconds)),
    cpu: median(row.measurements.map((m) => (bytes ? m.cpuSeconds / (m.amount / GiB) : (m.cpuSeconds / m.amount) * 1000))),
    cpuUnit: bytes ? 'CPU s/GiB' : 'CPU s/1000 ops',
    loopDelayP99Ms: median(row.measurements.map((m) => m.loopDelayP99Ms)),
    peakRssMiB: median(row.measurements.map((m) => m.peakRssMiB)),
  }
}

interface Target {
  target: string
  measured: string
  /** Undefined for a measurement reported without a target. */
  met?: boolean
}

function targets(all: Summary[]): Target[] {
  const find = (workload: string, client: string, server = 'MinIO') => all.find((s) => s.workload.startsWith(workload) && s.client === client && s.server === server)
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : NaN)
  const out: Target[] = []
  const add = (target: string, value: number, goal: number, lessIsBetter = false, format = (v: number) => `${v.toFixed(2)}x`) =>
    out.push({ target, measured: format(value), met: lessIsBetter ? value <= goal : value >= goal })
  add('large GET: native >= 2x JS (MinIO)', ratio(find('GET', 'native')?.throughput, find('GET', 'js')?.throughput), 2)
  add(
    "large GET: native >= 60% of curl's 4 ranged streams (nginx)",
    ratio(find('GET', 'native', 'nginx')?.throughput, find('GET', 'curl, 4 ranged streams', 'nginx')?.throughput),
    0.6,
    false,
    (v) => `${(v * 100).toFixed(0)}%`,
  )
  add('large PUT: native >= 1.5x JS', ratio(find('PUT', 'native')?.throughput, find('PUT', 'js')?.throughput), 1.5)
  add('4 KiB reads, 32 in flight: native >= 2x JS ops/s', ratio(find('4 KiB random reads, 32', 'native')?.throughput, find('4 KiB random reads, 32', 'js')?.throughput), 2)
  for (const w of ['GET', 'PUT']) {
    add(`event-loop delay p99 <= 5 ms during native ${w}`, find(w, 'native')?.loopDelayP99Ms ?? NaN, 5, true, (v) => `${v.toFixed(2)} ms`)
    add(`native CPU per GiB <= half of JS (${w})`, ratio(find(w, 'native')?.cpu, find(w, 'js')?.cpu), 0.5, true, (v) => `${(v * 100).toFixed(0)}% of JS`)
  }
  for (const server of ['MinIO', 'nginx']) {
    const handle = find('sequential 256 MiB', 'native', server)?.throughput
    const whole = find('readFile 256 MiB', 'native', server)?.throughput
    out.push({ target: `read handle vs readFile, 256 MiB sequential, native (${server})`, measured: `${ratio(handle, whole).toFixed(2)}x` })
  }
  for (const w of ['GET 1 GiB', 'PUT 1 GiB', 'readFile 256 MiB']) {
    const on = find(w, 'native')
    const off = find(w, 'native, checksums off')
    add(`checksums cost <= 5% of native throughput (${w})`, 1 - ratio(on?.throughput, off?.throughput), 0.05, true, (v) => `${(v * 100).toFixed(1)}%`)
    add(`checksums cost <= 10% more native CPU per GiB (${w})`, ratio(on?.cpu, off?.cpu) - 1, 0.1, true, (v) => `${(v * 100).toFixed(1)}%`)
    const jsOn = find(w, 'js')
    const jsOff = find(w, 'js, checksums off')
    out.push({ target: `checksums cost, JS backend (${w})`, measured: `${((1 - ratio(jsOn?.throughput, jsOff?.throughput)) * 100).toFixed(1)}% throughput, ${((ratio(jsOn?.cpu, jsOff?.cpu) - 1) * 100).toFixed(1)}% CPU` })
  }
  for (const client of ['native', 'js']) {
    add(`peak RSS during 1 GiB upload <= 300 MiB (${client})`, find('PUT', client)?.peakRssMiB ?? NaN, 300, true, (v) => `${v.toFixed(0)} MiB`)
  }
  return out
}

function markdown(all: Summary[], goals: Target[], meta: { machine: string; runs: number; date: string }): string {
  const js = (s: Summary) => all.find((o) => o.workload === s.workload && o.server === s.server && o.client === 'js')
  const lines = [
    `Machine: ${meta.machine}. ${meta.runs} runs per cell, alternating clients; medians. ${meta.date.slice(0, 10)}.`,
    '',
    '| Workload | Server | Client | Throughput | CPU | Loop p99 ms | Peak RSS MiB | vs JS |',
    '|---|---|---|---:|---:|---:|---:|---:|',
    ...all.map((s) => {
      const base = js(s)
      return `| ${s.workload} | ${s.server} | ${s.client} | ${s.throughput.toFixed(s.throughput < 100 ? 1 : 0)} ${s.unit} | ${s.cpu.toFixed(3)} ${s.cpuUnit} | ${s.client.startsWith('curl') ? '-' : s.loopDelayP99Ms.toFixed(2)} | ${s.peakRssMiB.toFixed(0)} | ${base ? `${(s.throughput / base.throughput).toFixed(2)}x` : ''} |`
    }),
    '',
    '| Target | Measured | Met |',
    '|---|---:|---|',
    ...goals.map((g) => `| ${g.target} | ${g.measured} | ${g.met === undefined ? '(no target)' : g.met ? 'met' : 'MISSED'} |`),
    '',
  ]
  return lines.join('\n')
}

const COLORS: Record<string, string> = {
  native: '#1f77b4',
  'native, checksums off': '#aec7e8',
  js: '#9a9a9a',
  'js, checksums off': '#cfcfcf',
  curl: '#ff7f0e',
  'curl, 4 ranged streams': '#d62728',
}

/** Throughput relative to the JS backend, one group of bars per workload and server. */
async function chart(all: Summary[], file: string): Promise<void> {
  const fontPath = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
  const font = PImage.registerFont(fontPath, 'DejaVu')
  font.loadSync()
  const groups = [...new Set(all.map((s) => `${s.workload} @ ${s.server}`))]
  const barHeight = 12
  const groupHeight = (n: number) => n * barHeight + 14
  const sizes = groups.map((g) => all.filter((s) => `${s.workload} @ ${s.server}` === g).length)
  const width = 1100
  const left = 420
  const height = 70 + sizes.reduce((a, n) => a + groupHeight(n), 0)
  const img = PImage.make(width, height)
  const ctx = img.getContext('2d')
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, width, height)
  ctx.fillStyle = '#000000'
  ctx.font = '16px DejaVu'
  ctx.fillText('Throughput relative to the JS backend (@aws-sdk/client-s3) = 1.0', 10, 22)
  const maxRatio = Math.max(...all.map((s) => s.throughput / (all.find((o) => o.workload === s.workload && o.server === s.server && o.client === 'js')?.throughput ?? s.throughput)))
  const scale = (width - left - 80) / maxRatio
  let y = 45
  groups.forEach((group) => {
    const members = all.filter((s) => `${s.workload} @ ${s.server}` === group)
    const js = members.find((s) => s.client === 'js')?.throughput ?? 1
    ctx.fillStyle = '#000000'
    ctx.font = '12px DejaVu'
    ctx.fillText(group, 10, y + 12)
    members.forEach((s, i) => {
      const ratio = s.throughput / js
      ctx.fillStyle = COLORS[s.client] ?? '#333333'
      ctx.fillRect(left, y + i * barHeight, Math.max(1, ratio * scale), barHeight - 2)
      ctx.fillStyle = '#000000'
      ctx.font = '10px DejaVu'
      ctx.fillText(`${s.client} ${ratio.toFixed(2)}x`, left + Math.max(1, ratio * scale) + 4, y + i * barHeight + 9)
    })
    ctx.fillStyle = '#cccccc'
    ctx.fillRect(left + scale, y - 2, 1, groupHeight(members.length) - 8)
    y += groupHeight(members.length)
  })
  await PImage.encodePNGToStream(img, createWriteStream(file))
}

export async function writeReport(rows: Row[], meta: { machine: string; runs: number; date: string }, dir: string): Promise<void> {
  const all = rows.map(summarize)
  const goals = targets(all)
  writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify({ ...meta, summaries: all, targets: goals, samples: rows }, null, 2)}\n`)
  const md = markdown(all, goals, meta)
  writeFileSync(path.join(dir, 'results.md'), md)
  await chart(all, path.join(dir, 'results.png'))
  console.log(md)
}
