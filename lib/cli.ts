#!/usr/bin/env node
// The s3fs command line (package bin; `npx s3fs-native ...`). Usage errors exit 2, failures exit 1
// with one line naming the code; never a stack trace.
import { Command, CommanderError } from 'commander'

import { tensorflowPluginPath } from './native.js'

const program = new Command('s3fs')
  .description('s3fs-native: a fast S3 filesystem for Node.js and TensorFlow')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) })

program
  .command('tf-plugin')
  .description('print the path of the TensorFlow filesystem plugin, for tf.experimental.register_filesystem_plugin(path)')
  .action(() => {
    console.log(tensorflowPluginPath())
  })

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2
  } else {
    const code = (error as { code?: string }).code
    console.error(`s3fs: ${code ? `${code}: ` : ''}${(error as Error).message.replace(new RegExp(`^${code}: `), '')}`)
    process.exitCode = 1
  }
}
