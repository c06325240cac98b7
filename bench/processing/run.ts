import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeProduct } from '../../src/domain/processing/compute.js';
import { signalArgs } from '../../src/media/video-signals.js';

/*
 * The ad-break product (docs/vionlabs.md) against running the same ffmpeg filters directly, in the same run.
 *
 *   npm run bench:processing                      # a 10-minute 1080p25 H.264/AAC video, 2 rounds each, best counts
 *   BENCH_SECONDS=120 BENCH_ROUNDS=1 npm run bench:processing
 *
 * Input: made once into $TMPDIR/atelier-bench-processing/ and reused: SMPTE HD bars with a 1 s black frame and a
 * silent second every 2 minutes, a tone otherwise.
 * (a) direct: `ffmpeg` with the product's own filter graph (signalArgs: scale, blackdetect, select on scene score,
 *     silencedetect), run under /usr/bin/time for its peak RSS;
 * (b) product: computeProduct('adbreaks'): ffprobe, the same pass, parsing and ranking, as the processing.task job
 *     runs it (without the queue's row updates, a few ms). Peak RSS: the ffmpeg child's (from /proc) and this process's.
 * Throughput = seconds of video analysed per second of wall time; the target is (b) ≥ 80% of (a).
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 600);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const dir = join(tmpdir(), 'atelier-bench-processing');
const video = join(dir, `bars-${SECONDS}s-1080p.mp4`);

function makeVideo(): void {
  if (existsSync(video)) {
    return;
  }
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`making ${video} ...\n`);
  const black = "lt(mod(t,120),1)*gt(t,1)";
  const r = spawnSync('ffmpeg', [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `smptehdbars=size=1920x1080:rate=25:duration=${SECONDS}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${SECONDS}:sample_rate=48000`,
    '-vf', `drawbox=c=black:t=fill:enable='${black}'`,
    '-af', `volume='if(${black},0,1)':eval=frame`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '50', '-c:a', 'aac', '-shortest', video,
  ], { stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error('could not make the input video');
  }
}

function direct(): { seconds: number; peakRssKb: number } {
  const work = mkdtempSync(join(tmpdir(), 'atelier-bench-direct-'));
  try {
    symlinkSync(video, join(work, 'input'));
    const started = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', 'ffmpeg', ...signalArgs('input', true)], { cwd: work, encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (r.status !== 0) {
      throw new Error(`ffmpeg failed: ${r.stderr}`);
    }
    return { seconds, peakRssKb: Number(r.stderr.trim().split('\n').pop()) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Peak RSS (VmHWM) of this process's ffmpeg children, polled while the product runs. */
function watchChildren(): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    const r = spawnSync('sh', ['-c', `for p in $(pgrep -P ${process.pid} ffmpeg); do grep VmHWM /proc/$p/status; done`], { encoding: 'utf8' });
    for (const m of r.stdout.matchAll(/VmHWM:\s+(\d+)/g)) {
      peak = Math.max(peak, Number(m[1]));
    }
  }, 200);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

async function product(): Promise<{ seconds: number; ffmpegPeakRssKb: number; candidates: number }> {
  const work = mkdtempSync(join(tmpdir(), 'atelier-bench-product-'));
  try {
    symlinkSync(video, join(work, 'input'));
    const stop = watchChildren();
    const started = performance.now();
    const made = await computeProduct('adbreaks', join(work, 'input'), { timeoutSeconds: 7200 });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, ffmpegPeakRssKb: stop(), candidates: (made.result.points as unknown[]).length };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

makeVideo();
const best = { direct: Infinity, product: Infinity, directRss: 0, productRss: 0, candidates: 0 };
for (let round = 1; round <= ROUNDS; round++) {
  const d = direct();
  const p = await product();
  process.stdout.write(`round ${round}: direct ${d.seconds.toFixed(2)} s, product ${p.seconds.toFixed(2)} s\n`);
  best.direct = Math.min(best.direct, d.seconds);
  best.product = Math.min(best.product, p.seconds);
  best.directRss = Math.max(best.directRss, d.peakRssKb);
  best.productRss = Math.max(best.productRss, p.ffmpegPeakRssKb);
  best.candidates = p.candidates;
}
const ratio = best.direct / best.product;
const rows: Array<[string, string]> = [
  ['video', `${SECONDS} s 1920x1080 25 fps H.264 + AAC`],
  ['direct ffmpeg (same filters)', `${best.direct.toFixed(2)} s = ${(SECONDS / best.direct).toFixed(1)} video-s/s, peak RSS ${(best.directRss / 1024).toFixed(0)} MiB`],
  ['adbreaks product', `${best.product.toFixed(2)} s = ${(SECONDS / best.product).toFixed(1)} video-s/s, ffmpeg peak RSS ${(best.productRss / 1024).toFixed(0)} MiB`],
  ['node peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`],
  ['break points found', String(best.candidates)],
  ['product / direct throughput', `${(ratio * 100).toFixed(1)}% (target ≥ 80%) ${ratio >= 0.8 ? 'PASS' : 'FAIL'}`],
];
for (const [k, v] of rows) {
  process.stdout.write(`${k.padEnd(32)} ${v}\n`);
}
process.exitCode = ratio >= 0.8 ? 0 : 1;
