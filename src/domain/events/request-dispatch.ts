import type { Deps } from '../context.js';
import { enqueue, registers } from '../../jobs/queue.js';
import { eventsDispatchJob } from './events-dispatch.job.js';

/**
 * Asks for a dispatch run, in the caller's transaction (called by recordHistory). While one is waiting this is a
 * no-op (unique key); while one is already running, a single follow-up is queued, because the running one may have
 * read past this event's place before it commits.
 */
export async function requestEventDispatch(ctx: Pick<Deps, 'db' | 'clock' | 'jobs'>): Promise<void> {
  if (!registers(ctx.jobs, eventsDispatchJob)) {
    return; // a process (or test) whose registry does not run the dispatcher
  }
  const first = await enqueue(ctx, eventsDispatchJob, {}, { uniqueKey: eventsDispatchJob.name });
  if (!first.created && first.job.state === 'running') {
    await enqueue(ctx, eventsDispatchJob, {}, { uniqueKey: `${eventsDispatchJob.name}.next` });
  }
}
