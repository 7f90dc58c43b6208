// The bytes of an ArrayBufferView a caller passes to be written. A view whose memory was transferred
// away (to a worker, say) has no bytes left: writing it would store an empty object where the caller
// meant data, and the two backends failed differently (the native one wrote 0 bytes, the JS one threw
// a raw TypeError), so it is refused as the argument error it is.
import { invalidArgValue } from './errors.js'

/** Whether a view's memory was transferred: `detached` where the runtime has it, else an empty view a clone refuses. */
function isDetached(view: ArrayBufferView): boolean {
  const memory = view.buffer as ArrayBuffer & { detached?: boolean }
  if (typeof memory.detached === 'boolean') return memory.detached
  if (view.byteLength !== 0 || memory.byteLength !== 0 || !(memory instanceof ArrayBuffer)) return false
  try {
    structuredClone(memory)
    return false
  } catch {
    return true
  }
}

/** The view's bytes, not copied; ERR_INVALID_ARG_VALUE for a detached one. */
export function viewBytes(name: string, view: ArrayBufferView): Uint8Array {
  if (isDetached(view)) throw invalidArgValue(name, view, 'is a view of a detached ArrayBuffer (its memory was transferred)')
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}
