// Writes files with s3fs-native's own writers, for `python scripts/tf-fixtures.py verify DIR` to
// read back with TensorFlow: a TFRecord of tf.train.Examples, its GZIP twin, and event files.
import { mkdirSync } from 'node:fs'
import path from 'node:path'

import { summaryWriter } from '../dist/tensorboard/index.js'
import { encodeExample, TFRecordWriter } from '../dist/tfrecord/index.js'

const dir = process.argv[2]
if (!dir) throw new Error('usage: node scripts/write-our-tf-files.mjs DIR')
mkdirSync(dir, { recursive: true })
for (const name of ['ours.tfrecord', 'ours.tfrecord.gz']) {
  const writer = new TFRecordWriter(path.join(dir, name))
  for (let i = 0; i < 100; i++) {
    await writer.write(encodeExample({ id: { int64List: [i] }, x: { floatList: [i / 2, -i] }, name: { bytesList: [`record-${i}`] } }))
  }
  await writer.close()
}
const logs = summaryWriter(path.join(dir, 'events'))
for (let step = 0; step < 10; step++) {
  logs.scalar('loss', 1 / (step + 1), step)
  if (step % 5 === 4) await logs.flush()
}
logs.histogram('weights', [1, 2, 2, 3, 3, 3], 9)
logs.text('note', 'written by s3fs-native', 9)
await logs.close()
