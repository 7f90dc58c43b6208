import type { Backend } from './backend.js'

/** A FIFO semaphore: at most `limit` tasks run at once, the rest wait their turn. */
export class Limiter {
  #running = 0
  readonly #waiting: Array<() => void> = []

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    this.#running++
    try {
      return await task()
    } finally {
      this.#running--
      this.#waiting.shift()?.()
    }
  }

  /**
   * `task` for every item, at most `limit` at once, the results in the items' order. The first
   * failure stops the items not yet started, and the call rejects with it only once those running
   * have settled: nothing a failed call began goes on behind it (a part uploaded after its upload
   * was aborted would be orphaned; a part written after its file was removed, lost).
   */
  async runAll<T, R>(items: readonly T[], task: (item: T, index: number) => Promise<R>): Promise<R[]> {
    let failed = false
    const results = await Promise.allSettled(
      items.map((item, index) =>
        this.run(async () => {
          if (failed) throw STOPPED
          try {
            return await task(item, index)
          } catch (error) {
            failed = true
            throw error
          }
        }),
      ),
    )
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected' && result.reason !== STOPPED)
    if (failure !== undefined) throw failure.reason
    return results.map((result) => (result as PromiseFulfilledResult<R>).value)
  }
}

/** What an item not started after a failure settles with: never the call's error. */
const STOPPED = Symbol('stopped after a failure')

/**
 * The backend with every request queued through one limiter: thousands of concurrent calls wait
 * in order instead of being refused or opening unbounded work. Composite operations in lib/ call
 * through it request by request, so they can never starve each other of slots.
 */
export function limitBackend(backend: Backend, limiter: Limiter): Backend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function' || property === 'close') return typeof value === 'function' ? value.bind(target) : value
      return (...args: unknown[]) => limiter.run(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args))
    },
  })
}
