import type { JobView } from '../../../domain/job-views/job-views.service.js';
import type { JobJson } from './jobs.schemas.js';

/** A job of the queue as the core API shows it (no lease fields: they are the workers' business). */
export function presentJob(v: JobView): JobJson {
  const j = v.job;
  const t = v.processingTask;
  return {
    id: j.id,
    name: j.name,
    state: j.state,
    attempts: j.attempts,
    max_attempts: j.max_attempts,
    priority: j.priority,
    run_at: j.run_at,
    created_at: j.created_at,
    updated_at: j.updated_at,
    finished_at: j.finished_at,
    last_error: j.last_error,
    payload: typeof v.payload === 'object' && v.payload !== null && !Array.isArray(v.payload) ? (v.payload as Record<string, unknown>) : null,
    processing_task: t ? { id: t.id, item_id: t.item_key, product: t.product, version: t.version } : null,
  };
}
