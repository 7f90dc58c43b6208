import { expect, test } from 'vitest'

import { storedChecksumOfHeaders } from '../../lib/checksums.js'

test('a stored checksum is reported with its algorithm and type', () => {
  expect(storedChecksumOfHeaders({ 'x-amz-checksum-crc64nvme': 'M3eFcAZSQlc=' })).toEqual({ algorithm: 'crc64nvme', value: 'M3eFcAZSQlc=', type: 'FULL_OBJECT' })
  expect(storedChecksumOfHeaders({ 'x-amz-checksum-crc32c': 'yZRlqg==-3' })).toEqual({ algorithm: 'crc32c', value: 'yZRlqg==-3', type: 'COMPOSITE' })
  expect(storedChecksumOfHeaders({})).toBeUndefined()
})

test("a value of the wrong width is no checksum of the algorithm it is named for (moto's CRC32 under CRC64NVME's name)", () => {
  expect(storedChecksumOfHeaders({ 'x-amz-checksum-crc64nvme': 'NhCmhg==' })).toBeUndefined()
  expect(storedChecksumOfHeaders({ 'x-amz-checksum-crc32': 'M3eFcAZSQlc=' })).toBeUndefined()
  expect(storedChecksumOfHeaders({ 'x-amz-checksum-sha256': 'not base64!' })).toBeUndefined()
  expect(storedChecksumOfHeaders({ 'x-amz-checksum-crc64nvme': 'NhCmhg==-2', 'x-amz-checksum-type': 'COMPOSITE' })).toBeUndefined()
})
