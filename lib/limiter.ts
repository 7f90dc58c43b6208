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
}

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
