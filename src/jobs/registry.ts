import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { JobsTable } from '../db/schema.js';
import { DEFAULT_PRIORITY, DEFAULT_RETRY, DEFAULT_TIMEOUT_SECONDS, type AnyJobDefinition, type RetryPolicy } from './define.js';

/*
 * The job registry: job name (`noun.verb`) -> payload schema, handler, retry policy, timeout and optional recurring
 * schedule. Built from the list the composition root hands over (src/job-definitions.ts, or a test's own list); it
 * tells workers what they can claim and lets enqueue check that a job runs in this process.
 */

export const JOB_STATES = ['available', 'running', 'completed', 'dead', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
// The table's column type and this list must name the same states.
const _statesMatch: [JobState, JobsTable['state']] extends [JobsTable['state'], JobState] ? true : never = true;
void _statesMatch;

/** A definition with its defaults filled in and its payload schema compiled. */
export interface RegisteredJob {
  definition: AnyJobDefinition;
  check: TypeCheck<TSchema>;
  retry: RetryPolicy;
  timeoutSeconds: number;
  priority: number;
}

export interface JobSchedule {
  name: string;
  everySeconds: number;
  payload: unknown;
}

export interface JobRegistry {
  get(name: string): RegisteredJob | undefined;
  /** Names this process can run; workers claim only these. */
  names(): readonly string[];
  /** The names among them whose definitions acquire their slot themselves (JobDefinition.acquiresSlot). */
  namesAcquiringSlots(): readonly string[];
  schedules(): readonly JobSchedule[];
}

const NAME_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Builds a registry; throws on a duplicate or malformed name or a schedule payload that fails its schema. */
export function createJobRegistry(definitions: readonly AnyJobDefinition[]): JobRegistry {
  const byName = new Map<string, RegisteredJob>();
  const schedules: JobSchedule[] = [];
  for (const d of definitions) {
    if (!NAME_RE.test(d.name)) {
      throw new Error(`Job name ${JSON.stringify(d.name)} must look like noun.verb (lower case).`);
    }
    if (byName.has(d.name)) {
      throw new Error(`Job ${d.name} is defined twice.`);
    }
    const check = TypeCompiler.Compile(d.payload);
    const retry: RetryPolicy = {
      maxAttempts: d.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      backoff: { ...DEFAULT_RETRY.backoff, ...d.retry?.backoff },
    };
    if (!(retry.maxAttempts >= 1)) {
      throw new Error(`Job ${d.name}: maxAttempts must be at least 1.`);
    }
    byName.set(d.name, {
      definition: d,
      check,
      retry,
      timeoutSeconds: d.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      priority: d.priority ?? DEFAULT_PRIORITY,
    });
    if (d.schedule) {
      if (!(d.schedule.everySeconds >= 1) || !check.Check(d.schedule.payload)) {
        throw new Error(`Job ${d.name}: the schedule needs everySeconds >= 1 and a payload that matches the schema.`);
      }
      schedules.push({ name: d.name, everySeconds: d.schedule.everySeconds, payload: d.schedule.payload });
    }
  }
  const names = Object.freeze([...byName.keys()]);
  const acquiring = Object.freeze(names.filter((n) => byName.get(n)?.definition.acquiresSlot === true));
  return {
    get: (name) => byName.get(name),
    names: () => names,
    namesAcquiringSlots: () => acquiring,
    schedules: () => schedules,
  };
}
