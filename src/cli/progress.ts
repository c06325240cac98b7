import cliProgress from 'cli-progress';

/*
 * How transfers report. On a terminal: a bar for the whole transfer (bytes, speed, ETA) and one per file in flight
 * (cli-progress). Elsewhere: one plain line per finished file, or one JSON object per line under --json, so a script
 * reading stdout never sees escape codes.
 */

export interface FileEvent {
  event: 'uploaded' | 'downloaded' | 'skipped' | 'failed' | 'deleted' | 'folder';
  path: string;
  [key: string]: unknown;
}

export interface Reporter {
  begin(totalBytes: number, files: number): void;
  fileStarted(key: string, label: string, size: number): void;
  fileProgress(key: string, done: number): void;
  fileFinished(key: string, event: FileEvent, line: string): void;
  end(): void;
}

const human = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
};
export { human as humanBytes };

class LineReporter implements Reporter {
  constructor(private readonly json: boolean) {}
  begin(): void {}
  fileStarted(): void {}
  fileProgress(): void {}
  fileFinished(_key: string, event: FileEvent, line: string): void {
    process.stdout.write(this.json ? `${JSON.stringify(event)}\n` : `${line}\n`);
  }
  end(): void {}
}

class BarReporter implements Reporter {
  private readonly multi = new cliProgress.MultiBar(
    {
      format: '{label} |{bar}| {percentage}% {done}/{size} {speed} ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 24,
      etaBuffer: 50,
      fps: 10,
      autopadding: true,
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  private overall: cliProgress.SingleBar | undefined;
  private readonly bars = new Map<string, { bar: cliProgress.SingleBar; done: number; size: number; started: number; label: string }>();
  private total = 0;
  private finishedBytes = 0;
  private readonly started = Date.now();
  private filesDone = 0;
  private files = 0;

  begin(totalBytes: number, files: number): void {
    this.total = totalBytes;
    this.files = files;
    this.overall = this.multi.create(Math.max(1, totalBytes), 0, this.payload('total', 0, totalBytes, this.started));
  }
  private payload(label: string, done: number, size: number, since: number): Record<string, string> {
    const seconds = Math.max(0.001, (Date.now() - since) / 1000);
    return { label: label.length > 32 ? `…${label.slice(-31)}` : label.padEnd(32), done: human(done), size: human(size), speed: `${human(done / seconds)}/s` };
  }
  private inFlight(): number {
    let n = 0;
    for (const b of this.bars.values()) n += b.done;
    return n;
  }
  private refreshOverall(): void {
    const done = this.finishedBytes + this.inFlight();
    this.overall?.update(done, this.payload(`total (${this.filesDone}/${this.files} files)`, done, this.total, this.started));
  }
  fileStarted(key: string, label: string, size: number): void {
    const bar = this.multi.create(Math.max(1, size), 0, this.payload(label, 0, size, Date.now()));
    this.bars.set(key, { bar, done: 0, size, started: Date.now(), label });
  }
  fileProgress(key: string, done: number): void {
    const b = this.bars.get(key);
    if (b) {
      b.done = done;
      b.bar.update(done, this.payload(b.label, done, b.size, b.started));
    }
    this.refreshOverall();
  }
  fileFinished(key: string, event: FileEvent, line: string): void {
    const b = this.bars.get(key);
    if (b) {
      b.bar.stop();
      this.multi.remove(b.bar);
      this.bars.delete(key);
    }
    this.finishedBytes += typeof event.size === 'number' ? event.size : 0;
    this.filesDone++;
    this.multi.log(`${line}\n`);
    this.refreshOverall();
  }
  end(): void {
    this.refreshOverall();
    // A render flushes the lines logged since the last one (the last file's "uploaded ..." line included).
    this.multi.update();
    this.multi.stop();
  }
}

/** Bars on a terminal (unless --json or --no-progress), lines otherwise. */
export function reporterFor(opts: { json: boolean; progress: boolean }): Reporter {
  return !opts.json && opts.progress && process.stdout.isTTY ? new BarReporter() : new LineReporter(opts.json);
}
