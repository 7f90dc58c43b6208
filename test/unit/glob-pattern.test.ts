import { expect, test } from 'vitest'

import { globToRegExp } from '../../lib/glob.js'

test('glob patterns as TensorFlow matches them', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*.txt', 'a.txt', true],
    ['*.txt', 'dir/a.txt', false],
    ['part-?', 'part-1', true],
    ['part-?', 'part-10', false],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'b.txt', false],
    ['[!ab].txt', 'c.txt', true],
    ['[0-9][0-9]', '42', true],
    ['**/x', 'x', true],
    ['**/x', 'a/b/x', true],
    ['a/**', 'a/b/c', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ]
  for (const [pattern, name, matches] of cases) expect([pattern, name, globToRegExp(pattern).test(name)]).toEqual([pattern, name, matches])
})
