export { crc32c, maskedCrc32c } from './crc32c.js'
export { decodeExample, encodeExample, type Feature, type FeatureInput } from './example.js'
export { parseTFRecords, readTFRecords, type TFRecordReadOptions } from './reader.js'
export { frameTFRecord, TFRecordWriter, type TFRecordWriteOptions } from './writer.js'
