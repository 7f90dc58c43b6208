import { readFileSync, writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

// The peak RSS of this workload alone: ru_maxrss is inherited from the parent across fork and
// exec, so it is read from VmHWM, reset at the start (Linux: write 5 to /proc/self/clear_refs).
function resetPeakRss(): void {
  writeFileSync('/proc/self/clear_refs', '5')
}

function peakRssMiB(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))
  return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024
}

export interface Measurement {
  seconds: number
  /** Bytes moved (throughput workloads) or operations done. */
  amount: number
  cpuSeconds: number
  loopDelayP99Ms: number
  peakRssMiB: number
}

/** Runs `work` once, measuring wall time, this process's CPU, event-loop delay p99 and peak RSS. */
export async function measure(work: () => Promise<number>): Promise<Measurement> {
  resetPeakRss()
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const cpuBefore = process.cpuUsage()
  const started = process.hrtime.bigint()
  const amount = await work()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuBefore)
  loop.disable()
  return {
    seconds,
    amount,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    peakRssMiB: peakRssMiB(),
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
