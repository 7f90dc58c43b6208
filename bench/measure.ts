import { monitorEventLoopDelay } from 'node:perf_hooks'

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
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }
}
