import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';

/*
 * The import rules of src/ (CONVENTIONS.md "Jobs"): no import circles, and the layers (domain/ never imports http/,
 * jobs/ holds machinery only, the job list is imported by the composition root alone). scripts/check-imports.js does
 * the work; here it runs on src/ and, to show it can fail, on small trees that break each rule.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/check-imports.js');

function check(root?: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...(root ? ['--root', root] : [])], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('import rules', () => {
  const trees: string[] = [];
  after(() => trees.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-imports-'));
    trees.push(dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  test('src/ has no import circle and no layer violation', () => {
    const r = check();
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^\d{3,} files, 0 import circles, 0 layer violations\n$/);
  });

  test('a circle through several files is found and named; type-only imports and dynamic import() are not edges', () => {
    const r = check(
      tree({
        'domain/a.ts': "import { b } from './b.js';\nimport type { T } from '../jobs/queue.js';\nexport const a = () => b;\n",
        'domain/b.ts': "import {\n  q,\n} from '../jobs/queue.js';\nexport const b = q;\n",
        'jobs/queue.ts': "import { r } from './registry.js';\nexport const q = r;\n",
        'jobs/registry.ts': "// import { x } from '../domain/a.js';\nexport const r = () => import('../domain/a.js');\n",
        'domain/c.ts': "import type { A } from './d.js';\nexport type C = A;\n",
        'domain/d.ts': "import type { C } from './c.js';\nexport type A = C;\n",
      }),
    );
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, '6 files, 0 import circles, 0 layer violations\n');

    const circle = check(
      tree({
        'domain/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'domain/b.ts': "import { q } from '../jobs/queue.js';\nexport const b = q;\n",
        'jobs/queue.ts': "import { r } from './registry.js';\nexport const q = r;\n",
        // `import { type X }` still loads the module (verbatimModuleSyntax keeps `import {} from`): an edge.
        'jobs/registry.ts': "import { type A } from './handler.js';\nexport const r = 1;\n",
        'jobs/handler.ts': "export * from '../domain/a.js';\nexport type A = number;\n",
      }),
    );
    assert.equal(circle.code, 1);
    assert.match(circle.out, /^import circle among 5 files, e\.g\. domain\/a\.ts -> domain\/b\.ts -> jobs\/queue\.ts -> jobs\/registry\.ts -> jobs\/handler\.ts -> domain\/a\.ts$/m);
    assert.match(circle.out, /1 import circles/);
  });

  test('layer violations are named', () => {
    const r = check(
      tree({
        'domain/x.service.ts': "import { route } from '../http/x.routes.js';\nexport const x = route;\n",
        'http/x.routes.ts': 'export const route = 1;\n',
        'jobs/worker.ts': "import { x } from '../domain/x.service.js';\nexport const w = x;\n",
        'job-definitions.ts': 'export const jobDefinitions = [];\n',
        'deps.ts': "import { jobDefinitions } from './job-definitions.js';\nexport const d = jobDefinitions;\n",
        'serve.ts': "import { jobDefinitions } from './job-definitions.js';\nexport const s = jobDefinitions;\n",
      }),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.out.split('\n').filter((l) => l.startsWith('layer rule broken')).sort(),
      [
        'layer rule broken: domain/x.service.ts imports http/x.routes.ts: only http/ and the app around it import http/',
        'layer rule broken: jobs/worker.ts imports domain/x.service.ts: jobs/ is machinery: it imports no feature code from domain/',
        'layer rule broken: serve.ts imports job-definitions.ts: the list of every job (job-definitions.ts) is imported only by deps.ts and main.ts',
      ],
    );
  });
});
