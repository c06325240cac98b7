import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AtelierApiError } from '../sdk/errors.js';
import { sha256File } from '../sdk/hash.js';
import type { Asset } from '../sdk/client.js';
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

/** Runs transfer jobs in parallel with progress; failures are reported per file and counted. */
export async function runJobs(session: Session, jobs: Job[], opts: TransferOptions): Promise<Outcome> {
  const reporter: Reporter = reporterFor({ json: session.json, progress: opts.progress });
  const { signal, dispose } = interruptible();
  const outcome: Outcome = { done: 0, skipped: 0, failed: 0, bytes: 0, exitCode: EXIT.ok };
  const codes = new Set<number>();
  reporter.begin(
    jobs.reduce((n, j) => n + j.size, 0),
    jobs.length,
  );
  try {
    await pool(jobs, opts.parallel, signal, async (job) => {
      reporter.fileStarted(job.key, job.label, job.size);
      try {
        const { event, line } = await job.run((done) => reporter.fileProgress(job.key, done), signal);
        if (event.event === 'skipped') {
          outcome.skipped++;
        } else {
          outcome.done++;
          outcome.bytes += typeof event.bytes_sent === 'number' ? event.bytes_sent : typeof event.bytes_received === 'number' ? event.bytes_received : 0;
        }
        reporter.fileFinished(job.key, event, line);
      } catch (err) {
        if (signal.aborted) {
          reporter.fileFinished(job.key, { event: 'failed', path: job.label, error: 'interrupted', size: 0 }, `interrupted ${job.label}`);
          return;
        }
        outcome.failed++;
        const code = exitCodeOf(err);
        codes.add(code);
        const apiError = err instanceof AtelierApiError ? { code: err.code, request_id: err.requestId, status: err.status } : {};
        reporter.fileFinished(
          job.key,
          { event: 'failed', path: job.label, error: describeError(err), exit_code: code, ...apiError, size: 0 },
          `failed ${job.label}: ${describeError(err)}`,
        );
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
      const checksum = await sha256File(file.abs);
      if (remote?.currentVersion?.checksum === checksum) {
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
        resumeUrl: readResumeUrl(session, file, checksum),
        onCreated: (url) => writeResumeUrl(session, file, checksum, url),
        onProgress: (done) => progress(done),
        signal,
      });
      clearResumeUrl(session, file, checksum);
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
