#!/usr/bin/env node
// Generated README tables, so code and documentation cannot drift (test/ops/readme-tables.test.ts checks them).
//   node scripts/config-table.js                 print the configuration table (from src/config/config.ts)
//   node scripts/config-table.js --permissions   print the permission matrix (from src/domain/access.ts)
//   node scripts/config-table.js --write         rewrite both marked blocks of README.md in place (npm run docs:tables)
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { configTableMarkdown } = await import('../src/config/config.ts');
const { permissionMatrixMarkdown } = await import('../src/domain/access.ts');

const BLOCKS = [
  { name: 'config-table', render: configTableMarkdown },
  { name: 'permissions', render: permissionMatrixMarkdown },
];

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`; throws when the markers are missing. */
function replaceBlock(text, name, table) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    throw new Error(`README.md has no ${start} ... ${end} block`);
  }
  return `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`;
}

const args = process.argv.slice(2);
if (args.includes('--write')) {
  const readme = resolve(import.meta.dirname, '../README.md');
  let text = readFileSync(readme, 'utf8');
  for (const b of BLOCKS) {
    text = replaceBlock(text, b.name, b.render());
  }
  writeFileSync(readme, text);
  process.stdout.write('README.md tables updated\n');
} else {
  process.stdout.write(`${args.includes('--permissions') ? permissionMatrixMarkdown() : configTableMarkdown()}\n`);
}
