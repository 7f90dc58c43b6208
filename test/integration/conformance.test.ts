import { afterAll, test } from 'vitest'

import { expectScenario, runOnS3FileSystem } from '../conformance-scenario.js'
import { testFs, uniquePrefix, url } from '../helpers.js'

const fs = testFs()
afterAll(() => fs.close())

test('the conformance scenario shared with the TensorFlow plugin', async () => {
  expectScenario(await runOnS3FileSystem(fs, url(uniquePrefix('conformance'))))
})
