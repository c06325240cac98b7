import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { configTableMarkdown } from '../../src/config/config.js';
import { permissionMatrixMarkdown } from '../../src/domain/access.js';
import { ROOT } from '../cli/cli-harness.js';

/** The text between `<!-- name:start -->` and `<!-- name:end -->`, trimmed; undefined without the markers. */
function block(readme: string, name: string): string | undefined {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n?<!-- ${name}:end -->`).exec(readme);
  return match?.[1]?.trim();
}

describe('README.md generated tables', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [name, expected] of [
    ['config-table', configTableMarkdown()],
    ['permissions', permissionMatrixMarkdown()],
  ] as const) {
    test(`the ${name} block is exactly the generated table`, () => {
      const actual = block(readme, name);
      assert.ok(
        actual === expected,
        `README.md's <!-- ${name}:start --> ... <!-- ${name}:end --> block is ${actual === undefined ? 'missing' : 'out of date'}. ` +
          `Run \`npm run docs:tables\`, or paste this between the markers:\n\n${expected}\n`,
      );
    });
  }
});
