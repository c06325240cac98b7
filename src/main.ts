import type { AnyJobDefinition } from './jobs/define.js';
import { runCli } from './cli/program.js';

/** CLI entry (bin/atelier.js); returns the exit code. The commands are in src/cli/program.ts. */
export async function main(argv: string[], options: { jobDefinitions?: readonly AnyJobDefinition[] } = {}): Promise<number> {
  return runCli(argv, options);
}
