import { Type, type Static } from '@sinclair/typebox';
import { JOB_STATES } from '../../../jobs/registry.js';
import { NullableString, PageQuery } from './common.schemas.js';

export const JobState = Type.Union(JOB_STATES.map((s) => Type.Literal(s)), {
  description: 'available (queued, possibly for a later run_at), running, completed, dead (out of attempts), cancelled',
});

export const JobListQuery = Type.Object(
  {
    state: Type.Optional(JobState),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z][a-z0-9_.]*$', description: 'A job name, e.g. `processing.task`, `derivative.thumbnail`' })),
    ...PageQuery.properties,
  },
  { additionalProperties: false },
);
export type JobListQueryJson = Static<typeof JobListQuery>;

export const JobParams = Type.Object({ job_id: Type.String({ format: 'uuid' }) });

export const Job = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: '`noun.verb`: what the job does' }),
    state: JobState,
    attempts: Type.Integer({ description: 'Runs started so far (a run whose worker died counts too)' }),
    max_attempts: Type.Integer(),
    priority: Type.Integer({ description: 'Lower runs first' }),
    run_at: Type.String({ description: 'Not run before this time (the next retry\'s time after a failure)' }),
    created_at: Type.String(),
    updated_at: Type.String(),
    finished_at: NullableString,
    last_error: NullableString,
    payload: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
      description: 'What the job works on (ids); null when it holds a credential-like key (secret, token, password...)',
    }),
    processing_task: Type.Union(
      [
        Type.Object({
          id: Type.String(),
          item_id: Type.String({ description: 'The Vionlabs catalog item\'s id' }),
          product: Type.String(),
          version: Type.String(),
        }),
        Type.Null(),
      ],
      { description: 'For a `processing.task` job: the Vionlabs processing task it runs (its current run)' },
    ),
  },
  { description: 'Job' },
);
export type JobJson = Static<typeof Job>;

export const JobList = Type.Object(
  {
    jobs: Type.Array(Job),
    next_cursor: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
  },
  { description: 'JobList' },
);
