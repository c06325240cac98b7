import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AtelierApiError } from '../sdk/errors.js';
import { sha256File } from '../sdk/hash.js';
import type { Asset } from '../sdk/client.js';
import { BATCH_MAX_FILES } from '../sdk/upload-batch.js';
import { describeError, EXIT, exitCodeOf } from './exit-codes.js';
import { clearResumeUrl, readResumeUrl, writeResumeUrl, type LocalFile } from './local-files.js';
import { reporterFor, type FileEvent, type Reporter } from './progress.js';
import type { Session } from './session.js';

/*
 * The transfer engine of upload, download and sync: a pool of parallel workers over a list of files, with a
 * reporter, Ctrl-C handling (stop, keep what resumes, exit 130) and a summary.
 */

export interface TransferOptions {
  parallel: number;
  progress: boolean;
  chunkBytes?: number | undefined;
  bytesPerSecond?: number | undefined;
}

export interface Outcome {
  done: number;
  skipped: number;
  failed: number;
  bytes: number;
  /** The exit code: 0, the code of the failures when all had the same, else 1; 130 when interrupted. */
  exitCode: number;
}

/** Ctrl-C (and SIGTERM) abort the transfer; a second Ctrl-C leaves at once. */
export function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (): void => {
    count++;
    if (count > 1) {
      process.exit(EXIT.interrupted);
    }
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function pool<T>(items: readonly T[], parallel: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
}

interface Job {
  key: string;
  label: string;
  size: number;
  /** Does the work; returns the event to report (uploaded/downloaded/skipped) and its line. */
  run(progress: (done: number) => void, signal: AbortSignal): Promise<{ event: FileEvent; line: string }>;
}

/** One file's outcome in a batch: its event and line, or the error it failed with. */
type FileResult = { key: string; label: string; event: FileEvent; line: string } | { key: string; label: string; error: unknown };

/** Several files in one request (small files); reports each file's outcome. */
interface BatchJob {
  files: Array<{ key: string; label: string; size: number }>;
  runBatch(signal: AbortSignal): Promise<FileResult[]>;
}

const isBatch = (job: Job | BatchJob): job is BatchJob => 'runBatch' in job;

/** A failed file's `path` is the local one, as in the other events; an upload's server path is `remote`. */
const where = (key: string, label: string): { path: string; remote?: string } => (label === key ? { path: key } : { path: key, remote: label });

/** Runs transfer jobs in parallel with progress; failures are reported per file and counted. */
export async function runJobs(session: Session, jobs: Array<Job | BatchJob>, opts: TransferOptions): Promise<Outcome> {
  const reporter: Reporter = reporterFor({ json: session.json, progress: opts.progress });
  const { signal, dispose } = interruptible();
  const outcome: Outcome = { done: 0, skipped: 0, failed: 0, bytes: 0, exitCode: EXIT.ok };
  const codes = new Set<number>();
  const files = jobs.flatMap((j) => (isBatch(j) ? j.files : [j]));
  reporter.begin(
    files.reduce((n, j) => n + j.size, 0),
    files.length,
  );
  const finished = (key: string, label: string, event: FileEvent, line: string): void => {
    if (event.event === 'skipped') {
      outcome.skipped++;
    } else {
      outcome.done++;
      outcome.bytes += typeof event.bytes_sent === 'number' ? event.bytes_sent : typeof event.bytes_received === 'number' ? event.bytes_received : 0;
    }
    reporter.fileFinished(key, event, line);
  };
  const failed = (key: string, label: string, err: unknown): void => {
    if (signal.aborted) {
      reporter.fileFinished(key, { event: 'failed', ...where(key, label), error: 'interrupted', size: 0 }, `interrupted ${label}`);
      return;
    }
    outcome.failed++;
    const code = exitCodeOf(err);
    codes.add(code);
    const apiError = err instanceof AtelierApiError ? { code: err.code, request_id: err.requestId, status: err.status } : {};
    reporter.fileFinished(key, { event: 'failed', ...where(key, label), error: describeError(err), exit_code: code, ...apiError, size: 0 }, `failed ${label}: ${describeError(err)}`);
  };
  try {
    await pool(jobs, opts.parallel, signal, async (job) => {
      if (isBatch(job)) {
        for (const f of job.files) reporter.fileStarted(f.key, f.label, f.size);
        let results: FileResult[];
        try {
          results = await job.runBatch(signal);
        } catch (err) {
          results = job.files.map((f) => ({ key: f.key, label: f.label, error: err }));
        }
        for (const r of results) {
          if ('error' in r) failed(r.key, r.label, r.error);
          else finished(r.key, r.label, r.event, r.line);
        }
        return;
      }
      reporter.fileStarted(job.key, job.label, job.size);
      try {
        const { event, line } = await job.run((done) => reporter.fileProgress(job.key, done), signal);
        finished(job.key, job.label, event, line);
      } catch (err) {
        failed(job.key, job.label, err);
      }
    });
  } finally {
    reporter.end();
    dispose();
  }
  if (signal.aborted) {
    outcome.exitCode = EXIT.interrupted;
  } else if (outcome.failed) {
    outcome.exitCode = codes.size === 1 ? [...codes][0] ?? EXIT.failure : EXIT.failure;
  }
  return outcome;
}

/** The upload job of one local file: skipped when the same path on the server already has its checksum. */
export function uploadJob(session: Session, file: LocalFile, remote: Asset | undefined, opts: TransferOptions): Job {
  const target = `${file.folder}${file.name}`;
  return {
    key: file.abs,
    label: target,
    size: file.size,
    async run(progress, signal) {
      // Hashed first only when it decides something: an asset at the same path (unchanged: skipped). Otherwise the
      // SDK hashes the file as it sends it.
      const checksum = remote ? await sha256File(file.abs) : undefined;
      if (remote && checksum !== undefined && remote.currentVersion?.checksum === checksum) {
        progress(file.size);
        return {
          event: { event: 'skipped', path: file.abs, remote: target, asset_id: remote.id, size: file.size, checksum, reason: 'unchanged' },
          line: `skipped ${file.abs} (unchanged on the server as ${target})`,
        };
      }
      const result = await session.client.upload(file.abs, {
        fileLocation: file.folder,
        fileName: file.name,
        checksum,
        chunkBytes: opts.chunkBytes,
        bytesPerSecond: opts.bytesPerSecond,
        resumeUrl: readResumeUrl(session, file),
        onCreated: (url) => writeResumeUrl(session, file, url),
        onProgress: (done) => progress(done),
        signal,
      });
      clearResumeUrl(session, file);
      const resumed = result.resumedFrom > 0 ? `, resumed at ${result.resumedFrom}` : '';
      return {
        event: {
          event: 'uploaded',
          path: file.abs,
          remote: target,
          asset_id: result.assetId,
          version_id: result.versionId,
          new_version: remote !== undefined,
          size: result.size,
          checksum: result.checksum,
          resumed_from: result.resumedFrom,
          bytes_sent: result.bytesSent,
        },
        line: `uploaded ${file.abs} -> ${target}${remote ? ' (new version)' : ''}${resumed}`,
      };
    },
  };
}

/** Files up to this size go in batches (one request and one transaction for many); larger ones over tus. */
export const BATCH_FILE_BYTES = 1024 * 1024;
/** The most bytes one batch carries. */
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * The upload jobs of `files`: the small ones grouped into batches (at most BATCH_MAX_FILES files and BATCH_BYTES
 * each, spread over the parallel workers), the rest one job each.
 */
export function uploadJobs(session: Session, files: LocalFile[], index: Map<string, Asset>, opts: TransferOptions): Array<Job | BatchJob> {
  const small = files.filter((f) => f.size <= BATCH_FILE_BYTES);
  const large = files.filter((f) => f.size > BATCH_FILE_BYTES);
  const jobs: Array<Job | BatchJob> = [];
  // Enough batches that every worker has some (a batch's files are stored one after the other by the server).
  const perBatch = Math.max(1, Math.min(BATCH_MAX_FILES, Math.ceil(small.length / Math.max(1, opts.parallel))));
  let batch: LocalFile[] = [];
  let bytes = 0;
  const seen = new Set<string>();
  const flush = (): void => {
    if (batch.length) jobs.push(batch.length === 1 ? uploadJob(session, batch[0] as LocalFile, index.get(target(batch[0] as LocalFile)), opts) : batchJob(session, batch, index, opts));
    batch = [];
    bytes = 0;
    seen.clear();
  };
  for (const f of small) {
    // A path twice (two inputs mapping to one name) would be two versions in one batch: a batch of its own instead.
    if (batch.length >= perBatch || bytes + f.size > BATCH_BYTES || seen.has(target(f))) flush();
    batch.push(f);
    bytes += f.size;
    seen.add(target(f));
  }
  flush();
  return [...jobs, ...large.map((f) => uploadJob(session, f, index.get(target(f)), opts))];
}

const target = (f: LocalFile): string => `${f.folder}${f.name}`;

/**
 * Small files in one request (`POST /workspaces/assets/batch`): each read once and hashed in memory, unchanged ones
 * skipped. When the server refuses the batch (one file locked, say) or does not know the route, each file is sent on
 * its own instead, so each gets its own outcome.
 */
function batchJob(session: Session, files: LocalFile[], index: Map<string, Asset>, opts: TransferOptions): BatchJob {
  return {
    files: files.map((f) => ({ key: f.abs, label: target(f), size: f.size })),
    async runBatch(signal) {
      const results: FileResult[] = [];
      const send: Array<{ file: LocalFile; data: Buffer; checksum: string }> = [];
      for (const file of files) {
        try {
          const data = await readFile(file.abs);
          const checksum = createHash('sha256').update(data).digest('hex');
          const remote = index.get(target(file));
          if (remote?.currentVersion?.checksum === checksum) {
            results.push({ key: file.abs, label: target(file), ...skipped(file, remote, checksum) });
          } else {
            send.push({ file, data, checksum });
          }
        } catch (err) {
          results.push({ key: file.abs, label: target(file), error: err });
        }
      }
      if (send.length === 0) {
        return results;
      }
      let uploaded: Awaited<ReturnType<Session['client']['uploadBatch']>>;
      try {
        uploaded = await session.client.uploadBatch(
          send.map((s) => ({ path: s.file.abs, data: s.data, checksum: s.checksum, fileLocation: s.file.folder, fileName: s.file.name })),
          { signal },
        );
      } catch (err) {
        if (!(err instanceof AtelierApiError) || signal.aborted) {
          throw err;
        }
        for (const s of send) {
          const single = uploadJob(session, s.file, index.get(target(s.file)), opts);
          try {
            results.push({ key: s.file.abs, label: target(s.file), ...(await single.run(() => undefined, signal)) });
          } catch (e) {
            results.push({ key: s.file.abs, label: target(s.file), error: e });
          }
        }
        return results;
      }
      send.forEach((s, i) => {
        const r = uploaded[i] as (typeof uploaded)[number];
        const remote = index.get(target(s.file));
        results.push({
          key: s.file.abs,
          label: target(s.file),
          event: { event: 'uploaded', path: s.file.abs, remote: target(s.file), asset_id: r.assetId, version_id: r.versionId, new_version: remote !== undefined, size: r.size, checksum: r.checksum, resumed_from: 0, bytes_sent: r.size },
          line: `uploaded ${s.file.abs} -> ${target(s.file)}${remote ? ' (new version)' : ''}`,
        });
      });
      return results;
    },
  };
}

function skipped(file: LocalFile, remote: Asset, checksum: string): { event: FileEvent; line: string } {
  return {
    event: { event: 'skipped', path: file.abs, remote: target(file), asset_id: remote.id, size: file.size, checksum, reason: 'unchanged' },
    line: `skipped ${file.abs} (unchanged on the server as ${target(file)})`,
  };
}

/** The download job of one asset to a local path: skipped when the local file already has the checksum. */
export function downloadJob(session: Session, asset: Asset, dest: string, versionId?: string, checksum?: string): Job {
  const expected = checksum ?? asset.currentVersion?.checksum;
  const size = versionId ? 0 : (asset.currentVersion?.size ?? 0);
  return {
    key: dest,
    label: dest,
    size: typeof size === 'number' ? size : 0,
    async run(progress, signal) {
      if (expected && existsSync(dest) && (await sha256File(dest)) === expected) {
        return {
          event: { event: 'skipped', path: dest, asset_id: asset.id, size: 0, checksum: expected, reason: 'unchanged' },
          line: `skipped ${dest} (already downloaded)`,
        };
      }
      const result = await session.client.download(asset.id, dest, { versionId, onProgress: (done) => progress(done), signal });
      const resumed = result.resumedFrom > 0 ? `, resumed at ${result.resumedFrom}` : '';
      return {
        event: {
          event: 'downloaded',
          path: dest,
          asset_id: asset.id,
          ...(versionId ? { version_id: versionId } : {}),
          size: result.size,
          checksum: result.checksum,
          resumed_from: result.resumedFrom,
          bytes_received: result.bytesReceived,
        },
        line: `downloaded ${asset.file_location}${asset.file_name} -> ${dest}${resumed}`,
      };
    },
  };
}

/** Creates the server folders (empty ones too), parents first; creating an existing folder is a no-op. */
export async function ensureFolders(session: Session, folders: Iterable<string>): Promise<void> {
  for (const folder of [...new Set(folders)].filter((f) => f !== '/').sort()) {
    await session.client.api.POST('/workspaces/folders', { params: { query: { folder } } } as never);
  }
}

/** Makes the local directories (empty ones too). */
export function ensureLocalDirs(root: string, relativeDirs: Iterable<string>): void {
  for (const d of relativeDirs) {
    mkdirSync(join(root, d), { recursive: true });
  }
}

export function removeLocal(path: string): void {
  rmSync(path, { force: true });
}
