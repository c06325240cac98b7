#!/usr/bin/env node
// Generated documentation tables, so code and documentation cannot drift (test/ops/readme-tables.test.ts checks them).
//   node scripts/config-table.js                 print the configuration table (from src/config/config.ts)
//   node scripts/config-table.js --permissions   print the permission matrix (from src/domain/access.ts)
//   node scripts/config-table.js --write         rewrite the marked blocks of docs/configuration.md and
//                                                docs/permissions.md in place (npm run docs:tables)
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { configTableMarkdown } = await import('../src/config/config.ts');
const { permissionMatrixMarkdown } = await import('../src/domain/access.ts');

/** Each generated block and the one file (relative to the repository root) that holds it. */
const BLOCKS = [
  { name: 'config-table', file: 'docs/configuration.md', render: configTableMarkdown },
  { name: 'permissions', file: 'docs/permissions.md', render: permissionMatrixMarkdown },
];

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`; throws when the markers are missing. */
function replaceBlock(text, file, name, table) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    throw new Error(`${file} has no ${start} ... ${end} block`);
  }
  return `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`;
}

const args = process.argv.slice(2);
if (args.includes('--write')) {
  for (const b of BLOCKS) {
    const path = resolve(import.meta.dirname, '..', b.file);
    writeFileSync(path, replaceBlock(readFileSync(path, 'utf8'), b.file, b.name, b.render()));
    process.stdout.write(`${b.file}: ${b.name} table updated\n`);
  }
} else {
  process.stdout.write(`${args.includes('--permissions') ? permissionMatrixMarkdown() : configTableMarkdown()}\n`);
}
