import { startCluster } from '../lib/cluster.js';
import { MixedLoad, figures, type Sample } from '../lib/mixed-load.js';

/*
 * Multi-process load with a kill: N API processes (`serve --no-workers`) and M workers on PostgreSQL + s3rver (see
 * bench/lib/cluster.ts), mixed reads and writes from a bounded number of clients for a bounded time. Mid-run one API
 * process is SIGKILLed; it is started again when the kill window ends. Clients balance over the processes and go to
 * another one when a connection is refused, as a load balancer does (bench/lib/mixed-load.ts).
 *
 * Prints req/s, p50/p99 per operation and the errors (connection failures, 5xx) before the kill, during the kill
 * window and after it. Exits 1 when any 5xx was answered or errors went on after the window.
 *
 *   npm run bench:load                                   # 2 API + 1 worker, 16 clients, 60 s, kill at 20 s for 10 s
 *   LOAD_APIS=3 LOAD_WORKERS=2 LOAD_CLIENTS=32 LOAD_SECONDS=120 npm run bench:load
 *   LOAD_KILL_AT=0 npm run bench:load                    # no kill
 *   TEST_PG_URL=postgres://… npm run bench:load          # a database on that server instead of a throwaway cluster
 */

const APIS = Number(process.env.LOAD_APIS ?? 2);
const WORKERS = Number(process.env.LOAD_WORKERS ?? 1);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 16);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const KILL_AT = Number(process.env.LOAD_KILL_AT ?? 20);
const KILL_WINDOW = Number(process.env.LOAD_KILL_WINDOW ?? 10);

const cluster = await startCluster({ apis: APIS, workers: WORKERS });
let failed = false;
try {
  const load = new MixedLoad(cluster);
  await load.setup();
  const setupEnd = load.now();
  const endAt = setupEnd + SECONDS * 1000;
  const killAt = KILL_AT > 0 ? setupEnd + KILL_AT * 1000 : Infinity;
  const windowEnd = killAt + KILL_WINDOW * 1000;
  process.stderr.write(`load: ${CLIENTS} clients for ${SECONDS} s${KILL_AT > 0 ? `; SIGKILL api1 at ${KILL_AT} s, restart at ${KILL_AT + KILL_WINDOW} s` : ''}\n`);
  let killError: unknown;
  let killedAt = Infinity;
  let restartedAt = Infinity;
  const killer = (async () => {
    if (!Number.isFinite(killAt)) {
      return;
    }
    await new Promise((r) => setTimeout(r, killAt - load.now()));
    // Taken before the signal: requests in flight fail as it lands, before the exit is observed.
    killedAt = load.now();
    await cluster.kill(0);
    process.stderr.write(`load: api1 killed at ${((load.now() - setupEnd) / 1000).toFixed(1)} s\n`);
    await new Promise((r) => setTimeout(r, Math.max(0, windowEnd - load.now())));
    await cluster.restart(0);
    restartedAt = load.now();
    process.stderr.write(`load: api1 answering again at ${((load.now() - setupEnd) / 1000).toFixed(1)} s\n`);
  })().catch((err: unknown) => (killError = err));
  await load.run(CLIENTS, endAt);
  await killer;
  if (killError) {
    throw killError;
  }

  const samples = load.samples.filter((s) => s.op !== 'setup' && s.at >= setupEnd);
  const ops = [...new Set(samples.map((s) => s.op))].sort();
  const row = (name: string, list: Sample[], seconds: number) => {
    const f = figures(list, seconds);
    return `| ${name} | ${f.requests} | ${f.rps} | ${f.p50} | ${f.p99} | ${f.conn} | ${f.s5xx} | ${f.u4xx} |`;
  };
  const header = ['| operation | requests | req/s | p50 ms | p99 ms | connection errors | 5xx | other 4xx |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  const lines = [
    `Node ${process.version}; ${APIS} API processes + ${WORKERS} workers on PostgreSQL + s3rver; ${CLIENTS} clients, ${SECONDS} s`,
    '',
    ...header,
    ...ops.map((op) => row(op, samples.filter((s) => s.op === op), SECONDS)),
    row('**all**', samples, SECONDS),
    '',
  ];
  if (Number.isFinite(killedAt)) {
    // By when the answer (or the failure) came: a request in flight when the process died fails at the kill.
    const end = (s: Sample) => s.at + s.ms;
    const windowEndAt = Math.min(restartedAt, endAt);
    const before = samples.filter((s) => end(s) < killedAt);
    const during = samples.filter((s) => end(s) >= killedAt && end(s) < windowEndAt);
    const afterWindow = samples.filter((s) => end(s) >= windowEndAt);
    const secs = (ms: number) => Math.max(0.1, ms / 1000);
    lines.push(
      `Kill window: api1 SIGKILLed at ${((killedAt - setupEnd) / 1000).toFixed(1)} s; started again after ${KILL_WINDOW} s, answering at ${((restartedAt - setupEnd) / 1000).toFixed(1)} s. Requests are counted by when their answer (or failure) came.`,
      '',
      ...header.map((h) => h.replace('operation', 'phase')),
      row('before the kill', before, secs(killedAt - setupEnd)),
      row('kill window (api1 down)', during, secs(windowEndAt - killedAt)),
      row('after (api1 back)', afterWindow, secs(endAt - windowEndAt)),
      '',
      `Requests sent to another process after a refused (or, for reads, broken) connection: ${load.failovers}`,
      '',
    );
    failed ||= figures(afterWindow, 1).errors > 0 || figures(before, 1).errors > 0;
  }
  failed ||= figures(samples, 1).s5xx > 0;
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ all: figures(samples, SECONDS), failovers: load.failovers })}\n`);
} finally {
  await cluster.close();
}
process.exitCode = failed ? 1 : 0;
