#!/usr/bin/env node
// Runs the TypeScript sources through tsx so that `npm ci && npm start` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // An operator sees what failed (database unreachable, port in use, ...), not a stack trace.
  const code = err && typeof err === 'object' && 'code' in err ? ` (${err.code})` : '';
  process.stderr.write(`atelier: ${err instanceof Error ? err.message : String(err)}${code}\n`);
  process.exitCode = 1;
}
