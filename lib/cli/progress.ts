import cliProgress from 'cli-progress'

import { humanBytes } from './format.js'

/** Transfers smaller than this finish before a bar would be worth drawing. */
const SMALLEST_WITH_BAR = 4 * 1024 * 1024

export interface Progress {
  /** Bytes done so far (absolute). */
  update(bytesDone: number): void
  /** Removes the bar (it leaves no line behind). */
  stop(): void
}

const silent: Progress = { update: () => undefined, stop: () => undefined }

/**
 * A progress bar on stderr with bytes, rate and ETA, for a transfer of `totalBytes`: only on a
 * terminal, and neither with --quiet nor --json (their output is for scripts).
 */
export function startProgress(label: string, totalBytes: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY || totalBytes < SMALLEST_WITH_BAR) return silent
  const started = Date.now()
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      barsize: 24,
      format: `${label} {bar} {percentage}% | {done} / {all} | {rate} | ETA {eta_formatted}`,
      formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? humanBytes(value) : String(value)),
    },
    cliProgress.Presets.shades_classic,
  )
  const payload = (done: number): Record<string, string> => ({
    done: humanBytes(done),
    all: humanBytes(totalBytes),
    rate: `${humanBytes(done / Math.max((Date.now() - started) / 1000, 0.001))}/s`,
  })
  bar.start(totalBytes, 0, payload(0))
  return {
    update: (done) => bar.update(done, payload(done)),
    stop: () => bar.stop(),
  }
}
