import type { Deps } from '../context.js';
import { enqueueJob } from '../../jobs/queue.js';

/** The dispatcher's job name (src/jobs/handlers/events-dispatch.job.ts). */
export const DISPATCH_JOB = 'events.dispatch';

/**
 * Asks for a dispatch run, in the caller's transaction (called by recordHistory). While one is waiting this is a
 * no-op (unique key); while one is already running, a single follow-up is queued, because the running one may have
 * read past this event's place before it commits.
 */
export async function requestEventDispatch(ctx: Pick<Deps, 'db' | 'clock' | 'jobs'>): Promise<void> {
  if (!ctx.jobs.registry.get(DISPATCH_JOB)) {
    return; // a process (or test) whose registry does not run the dispatcher
  }
  const first = await enqueueJob(ctx, DISPATCH_JOB, {}, { uniqueKey: DISPATCH_JOB });
  if (!first.created && first.job.state === 'running') {
    await enqueueJob(ctx, DISPATCH_JOB, {}, { uniqueKey: `${DISPATCH_JOB}.next` });
  }
}
