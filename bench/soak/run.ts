import { rssMb, startCluster } from '../lib/cluster.js';
import { MixedLoad, figures } from '../lib/mixed-load.js';

/*
 * Soak: the multi-process deployment of bench/load (N API processes + M workers on PostgreSQL + s3rver) under a
 * steady mixed load for a long time (default 30 minutes). Every 10 s it samples each process's RSS and the latency
 * of the requests answered in those 10 s, and prints a row; at the end a table and a verdict: memory growth is the
 * slope of a least-squares line through each process's RSS over the last two thirds of the run (the first third is
 * warm-up: caches, JIT, pools filling), flagged above SOAK_MAX_SLOPE_MB_PER_MIN; latency growth compares the p99 of
 * the last third with the middle third. Exits 1 when the verdict flags growth or any request failed.
 *
 *   npm run bench:soak                     # 30 minutes, 2 API + 1 worker, 8 clients
 *   SOAK_MINUTES=3 npm run bench:soak
 *   SOAK_APIS=3 SOAK_WORKERS=2 SOAK_CLIENTS=16 SOAK_MAX_SLOPE_MB_PER_MIN=1 npm run bench:soak
 */

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const APIS = Number(process.env.SOAK_APIS ?? 2);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 1);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
const INTERVAL_S = Number(process.env.SOAK_INTERVAL_SECONDS ?? 10);
const MAX_SLOPE = Number(process.env.SOAK_MAX_SLOPE_MB_PER_MIN ?? 2);
const MAX_P99_RATIO = Number(process.env.SOAK_MAX_P99_RATIO ?? 2);

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;

const cluster = await startCluster({ apis: APIS, workers: WORKERS });
let failed = false;
try {
  const procs = [...cluster.apis, ...cluster.workers];
  const load = new MixedLoad(cluster);
  await load.setup();
  const start = load.now();
  const endAt = start + MINUTES * 60_000;
  process.stderr.write(`soak: ${CLIENTS} clients for ${MINUTES} min, sampling every ${INTERVAL_S} s\n`);
  const header = `| t (s) | req/s | p50 ms | p99 ms | errors | ${procs.map((p) => `${p.name} RSS MB`).join(' | ')} |`;
  process.stderr.write(`${header}\n`);
  const rows: Array<{ t: number; rps: number; p50: number; p99: number; errors: number; rss: Array<number | undefined> }> = [];
  let next = 0;
  let lastAt = start;
  const sampler = setInterval(() => {
    const now = load.now();
    const took = load.samples.splice(0, load.samples.length).filter((s) => s.op !== 'setup');
    next += took.length;
    const f = figures(took, (now - lastAt) / 1000);
    lastAt = now;
    const row = { t: Math.round((now - start) / 1000), rps: f.rps, p50: f.p50, p99: f.p99, errors: f.errors + f.u4xx, rss: procs.map((p) => rssMb(p.child.pid)) };
    rows.push(row);
    process.stderr.write(`| ${row.t} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.rss.map((r) => r?.toFixed(1) ?? '-').join(' | ')} |\n`);
  }, INTERVAL_S * 1000);
  await load.run(CLIENTS, endAt);
  clearInterval(sampler);

  const tail = rows.slice(Math.floor(rows.length / 3));
  const mid = rows.slice(Math.floor(rows.length / 3), Math.floor((2 * rows.length) / 3));
  const last = rows.slice(Math.floor((2 * rows.length) / 3));
  const lines = [
    `Node ${process.version}; ${APIS} API processes + ${WORKERS} workers on PostgreSQL + s3rver; ${CLIENTS} clients for ${MINUTES} min; ${next} requests`,
    '',
    header,
    `| --- | --- | --- | --- | --- | ${procs.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.t} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.rss.map((x) => x?.toFixed(1) ?? '-').join(' | ')} |`),
    '',
  ];
  const verdicts: string[] = [];
  if (tail.length < 3) {
    verdicts.push('too few samples for a verdict (run longer)');
  } else {
    procs.forEach((p, i) => {
      const pts = tail.filter((r) => r.rss[i] !== undefined);
      const s = slope(pts.map((r) => r.t / 60), pts.map((r) => r.rss[i]!));
      const flag = s > MAX_SLOPE;
      failed ||= flag;
      verdicts.push(`${p.name}: RSS ${pts[0]?.rss[i]?.toFixed(1)} → ${pts.at(-1)?.rss[i]?.toFixed(1)} MB, slope ${s.toFixed(2)} MB/min over the last two thirds: ${flag ? `GROWS (> ${MAX_SLOPE} MB/min)` : 'flat'}`);
    });
    const p99Mid = median(mid.map((r) => r.p99));
    const p99Last = median(last.map((r) => r.p99));
    const ratio = p99Last / p99Mid;
    const flag = ratio > MAX_P99_RATIO;
    failed ||= flag;
    verdicts.push(`latency: median p99 ${p99Mid} ms (middle third) → ${p99Last} ms (last third), ×${ratio.toFixed(2)}: ${flag ? `GROWS (> ×${MAX_P99_RATIO})` : 'flat'}`);
  }
  const errors = rows.reduce((s, r) => s + r.errors, 0);
  failed ||= errors > 0;
  verdicts.push(`errors (connection failures, 5xx, unexpected 4xx): ${errors}`);
  lines.push(`Verdict: ${failed ? 'GROWTH OR ERRORS' : 'no growth, no errors'}`, ...verdicts.map((v) => `- ${v}`), '');
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await cluster.close();
}
process.exitCode = failed ? 1 : 0;
