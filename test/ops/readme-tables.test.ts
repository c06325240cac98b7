import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { configTableMarkdown } from '../../src/config/config.js';
import { permissionMatrixMarkdown } from '../../src/domain/access.js';
import { ROOT } from '../cli/cli-harness.js';

/** README.md and every page under docs/, as paths relative to the repository root. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs.sort()];
}

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** The text between `<!-- name:start -->` and `<!-- name:end -->`, trimmed; undefined without the markers. */
function block(text: string, name: string): string | undefined {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n?<!-- ${name}:end -->`).exec(text);
  return match?.[1]?.trim();
}

/** The text outside fenced code blocks, so a `# comment` or `[a](b)` in a shell sample is neither heading nor link. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const slug = (heading ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Relative Markdown links `[text](target)` outside code blocks (web and mail links left out). */
function relativeLinks(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

// The generated tables live in the docs page of their topic; `npm run docs:tables` (scripts/config-table.js) writes them.
const TABLES = [
  { name: 'config-table', file: 'docs/configuration.md', expected: configTableMarkdown() },
  { name: 'permissions', file: 'docs/permissions.md', expected: permissionMatrixMarkdown() },
] as const;

describe('generated documentation tables', () => {
  for (const { name, file, expected } of TABLES) {
    test(`the ${name} block of ${file} is exactly the generated table`, () => {
      const actual = block(read(file), name);
      assert.ok(
        actual === expected,
        `${file}'s <!-- ${name}:start --> ... <!-- ${name}:end --> block is ${actual === undefined ? 'missing' : 'out of date'}. ` +
          `Run \`npm run docs:tables\`, or paste this between the markers:\n\n${expected}\n`,
      );
    });

    test(`no other page keeps a copy of the ${name} block`, () => {
      const holders = markdownFiles().filter((f) => read(f).includes(`<!-- ${name}:start -->`));
      assert.deepEqual(holders, [file]);
    });
  }
});

describe('documentation links', () => {
  test('every relative link in README.md and docs/*.md names an existing file and heading', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const link of relativeLinks(read(file))) {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? file : relative(ROOT, join(ROOT, dirname(file), path));
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${file}: ${link} (no file ${target})`);
        } else if (anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor)) {
          broken.push(`${file}: ${link} (no heading #${anchor} in ${target})`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  test('the README links every page under docs/', () => {
    const linked = new Set(relativeLinks(read('README.md')).map((link) => link.split('#')[0]));
    const unlinked = markdownFiles().filter((f) => f !== 'README.md' && !linked.has(f));
    assert.deepEqual(unlinked, [], 'add these pages to the README\'s "Where to read on" list');
  });

  test('the link check sees a broken link and a missing heading', () => {
    // Guards the checks above against passing vacuously (a regex that matches nothing finds nothing broken).
    assert.deepEqual(relativeLinks('[a](docs/x.md#y) [b](https://e.com) `x`\n```sh\n[c](z.md)\n```\n'), ['docs/x.md#y']);
    assert.ok(anchors('# Accounts (`x-account-id`, no workspace header)\n').has('accounts-x-account-id-no-workspace-header'));
    assert.ok(anchors(read('docs/api-core.md')).has('upload-limit-and-slow-clients'));
    assert.ok(relativeLinks(read('README.md')).length >= markdownFiles().length - 1);
  });
});
