import type { DerivativeRow } from '../../db/schema.js';
import type { JobDefinition } from '../../jobs/define.js';
import { enqueue, registers } from '../../jobs/queue.js';
import type { Deps } from '../context.js';
import { isDerivativeKind, type DerivativeJobPayload, type DerivativeKind } from '../versions/derivatives.js';
import { derivativePageJob } from './derivative-page.job.js';
import type { DerivativePayload } from './derivative-payload.js';
import { derivativePosterJob } from './derivative-poster.job.js';
import { derivativePreviewJob } from './derivative-preview.job.js';
import { derivativeProxyJob } from './derivative-proxy.job.js';
import { derivativeThumbnailJob } from './derivative-thumbnail.job.js';
import { derivativeWaveformJob } from './derivative-waveform.job.js';
import { mediaProbeJob } from './media-probe.job.js';

/*
 * Queueing the media pipeline's jobs for a new version: `media.probe`, and one `derivative.<kind>` job per pending
 * derivative row. A module of its own, imported by the services that commit versions, so that the modules the jobs
 * run (derivatives.service.ts, probe.service.ts) never import their own job definitions back.
 */

type QueueDeps = Pick<Deps, 'db' | 'clock' | 'jobs' | 'log'>;

/** The job that makes each derivative kind. */
export const DERIVATIVE_JOBS: Readonly<Record<DerivativeKind, JobDefinition<string, typeof DerivativePayload>>> = {
  thumbnail: derivativeThumbnailJob,
  preview: derivativePreviewJob,
  poster: derivativePosterJob,
  proxy: derivativeProxyJob,
  waveform: derivativeWaveformJob,
  page: derivativePageJob,
};

/**
 * The single call site that queues derivative jobs: one `derivative.<kind>` job per pending row, in the caller's
 * transaction (so the jobs commit or roll back with the version). A kind whose job this process does not register
 * (a test's registry) is left `pending` without a job; registering the job later is all the pipeline needs.
 */
export async function enqueueDerivativeJobs(ctx: QueueDeps, rows: readonly DerivativeRow[]): Promise<void> {
  for (const row of rows) {
    const definition = isDerivativeKind(row.kind) ? DERIVATIVE_JOBS[row.kind] : undefined;
    if (!definition || !registers(ctx.jobs, definition)) {
      ctx.log.debug({ kind: row.kind, derivative_id: row.id }, 'no job registered for this derivative kind; left pending');
      continue;
    }
    const payload: DerivativeJobPayload = { workspace_id: row.workspace_id, version_id: row.version_id, derivative_id: row.id };
    await enqueue(ctx, definition, payload, { uniqueKey: `derivative:${row.id}` });
  }
}

/** Queues `media.probe` for a new version, in the caller's transaction (when this process registers the job). */
export async function enqueueMediaProbe(ctx: Pick<Deps, 'db' | 'clock' | 'jobs'>, input: { workspaceId: string; versionId: string }): Promise<void> {
  if (registers(ctx.jobs, mediaProbeJob)) {
    await enqueue(ctx, mediaProbeJob, { workspace_id: input.workspaceId, version_id: input.versionId }, { uniqueKey: `probe:${input.versionId}` });
  }
}
