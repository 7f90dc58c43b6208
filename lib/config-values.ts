import { S3FsError } from './errors.js'

/** A configuration value refused: EINVAL, naming the setting. */
export function invalid(what: string): S3FsError {
  return new S3FsError('EINVAL', what, { op: 'configure', url: '' })
}

/** A yes/no setting: unset or empty is undefined; 0, false, no and off are false; anything else true. */
export function flag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase())
}
