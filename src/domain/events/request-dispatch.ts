import type { Deps } from '../context.js';
import { enqueue, registers } from '../../jobs/queue.js';
import { eventsDispatchJob } from './events-dispatch.job.js';

/** Transactions that have asked already (a retried transaction is a new object, so it asks again). */
const requestedIn = new WeakSet<object>();

/**
 * Asks for a dispatch run, in the caller's transaction (called by recordHistory). While one is waiting this is a
 * no-op (unique key); while one is already running, a single follow-up is queued, because the running one may have
 * read past this event's place before it commits.
 */
export async function requestEventDispatch(ctx: Pick<Deps, 'db' | 'clock' | 'jobs'>): Promise<void> {
  if (!registers(ctx.jobs, eventsDispatchJob)) {
    return; // a process (or test) whose registry does not run the dispatcher
  }
  // Once per transaction: after the first request of a transaction, a dispatch is waiting (or a follow-up is queued)
  // until it commits, so every later request in it would find that job and do nothing, at two queries each.
  if (ctx.db.isTransaction) {
    if (requestedIn.has(ctx.db)) {
      return;
    }
    requestedIn.add(ctx.db);
  }
  const first = await enqueue(ctx, eventsDispatchJob, {}, { uniqueKey: eventsDispatchJob.name });
  if (!first.created && first.job.state === 'running') {
    await enqueue(ctx, eventsDispatchJob, {}, { uniqueKey: `${eventsDispatchJob.name}.next` });
  }
}
