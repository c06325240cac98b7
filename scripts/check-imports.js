#!/usr/bin/env node
// The import rules of src/ (docs: CONVENTIONS.md "Jobs" and "Layout"), checked without a dependency:
//   1. no import circles (a circle makes the result depend on which module is loaded first; one broke CI once);
//   2. layers: nothing below http/ imports http/; jobs/ is machinery and imports no feature (domain/) code;
//      the list of every job (src/job-definitions.ts) is imported only by the composition root (deps.ts, main.ts).
// Edges are the static `import ... from` / `export ... from` / `import '...'` of relative specifiers.
// `import type` / `export type` statements are erased at compile time and ignored; `import { type A }` is not
// (verbatimModuleSyntax keeps it as `import {} from`, so the module still loads). Dynamic `import()` is
// ignored: it runs after every static import has finished loading.
// Usage: node scripts/check-imports.js [--root DIR]   (default: the repo's src/). Exit 1 when a rule is broken.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT_RE = /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?([\w*${}\s,]*?)\s*(?:from\s+)?['"]([^'"]+)['"]/g;

/** Every .ts file under `dir`. */
function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...listFiles(p));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

/** Comments out of the source, so an example in a comment is not an import. */
function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The runtime (non-type) relative imports of `file`, resolved to files. */
export function importsOf(file) {
  const source = stripComments(readFileSync(file, 'utf8'));
  const targets = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    const [, , typeOnly, , spec] = m;
    if (typeOnly || !spec.startsWith('.')) {
      continue;
    }
    // `export { a }` / `export const` are not imports; only `export ... from` is (it has a specifier).
    if (m[1] === 'export' && !/\bfrom\s+['"]/.test(m[0])) {
      continue;
    }
    const base = resolve(dirname(file), spec);
    const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
    const target = candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
    targets.push(target ?? base);
  }
  return targets;
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
export function findCycles(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const strongConnect = (v) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) {
        continue;
      }
      if (!indices.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), indices.get(w)));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) {
        cycles.push(component.sort());
      }
    }
  };
  for (const v of graph.keys()) {
    if (!indices.has(v)) {
      strongConnect(v);
    }
  }
  return cycles;
}

/** One path around a cycle, for the message: follows edges inside the component back to its first file. */
function cyclePath(graph, component) {
  const inside = new Set(component);
  const start = component[0];
  const path = [start];
  const seen = new Set([start]);
  let current = start;
  for (;;) {
    const next = (graph.get(current) ?? []).find((w) => inside.has(w) && (w === start || !seen.has(w)));
    if (!next || next === start) {
      path.push(start);
      return path;
    }
    path.push(next);
    seen.add(next);
    current = next;
  }
}

/** Layer rules over paths relative to the root: [description, (from, to) => broken]. */
const LAYER_RULES = [
  ['only http/ and the app around it import http/', (from, to) => to.startsWith('http/') && /^(domain|jobs|db|blobs|media|lib|config)\//.test(from)],
  ['jobs/ is machinery: it imports no feature code from domain/', (from, to) => from.startsWith('jobs/') && to.startsWith('domain/')],
  ['the list of every job (job-definitions.ts) is imported only by deps.ts and main.ts', (from, to) => to === 'job-definitions.ts' && from !== 'deps.ts' && from !== 'main.ts'],
];

/** Checks the tree under `root`; returns the cycles (their files and one path around) and the layer violations. */
export function checkImports(root) {
  const graph = new Map();
  for (const file of listFiles(root)) {
    graph.set(file, importsOf(file));
  }
  const rel = (p) => relative(root, p);
  const cycles = findCycles(graph).map((c) => ({ files: c.map(rel), path: cyclePath(graph, c).map(rel) }));
  const violations = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      for (const [rule, broken] of LAYER_RULES) {
        if (broken(rel(from), rel(to))) {
          violations.push(`${rel(from)} imports ${rel(to)}: ${rule}`);
        }
      }
    }
  }
  return { files: graph.size, cycles, violations };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--root');
  const root = resolve(at >= 0 ? process.argv[at + 1] ?? '' : join(import.meta.dirname, '..', 'src'));
  const { files, cycles, violations } = checkImports(root);
  for (const cycle of cycles) {
    process.stdout.write(`import circle among ${cycle.files.length} files, e.g. ${cycle.path.join(' -> ')}\n`);
  }
  for (const v of violations) {
    process.stdout.write(`layer rule broken: ${v}\n`);
  }
  process.stdout.write(`${files} files, ${cycles.length} import circles, ${violations.length} layer violations\n`);
  process.exitCode = cycles.length > 0 || violations.length > 0 ? 1 : 0;
}
