import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { DB, JobRow } from '../db/schema.js';
import type { Deps } from '../domain/context.js';
import { lazyChild } from '../lib/lazy-logger.js';
import { backoffSeconds, DEFAULT_RETRY, type JobCtx } from './define.js';
import { completeJob, describeError, extendLease, killJob, releaseJob, retryJob, unclaimJob } from './jobs.repo.js';
import { enqueueJob } from './queue.js';
import type { RegisteredJob } from './registry.js';
import { AbortReason, parsePayload, periodJobId, untilAborted } from './run-helpers.js';
import { Slots } from './slots.js';

export interface WorkerOptions {
  /** Jobs run at the same time. */
  concurrency: number;
  /** Idle wait between looks for due jobs. */
  pollIntervalMs: number;
  /** Lease per claim, renewed every third of it while the handler runs. */
  leaseSeconds: number;
  /** Default: host:pid:random, unique per Worker. */
  id?: string;
  /** Jitter source for backoff, in [0, 1); tests pin it. */
  random?: () => number;
}

/** How one claimed run ended. `lost`: the lease went to another worker (or the job was cancelled) mid-run. */
export type RunOutcome = 'completed' | 'retry' | 'dead' | 'released' | 'lost';

export interface RunReport {
  id: string;
  name: string;
  attempt: number;
  outcome: RunOutcome;
  error?: string;
}

interface Running {
  job: JobRow;
  controller: AbortController;
  done: Promise<RunReport>;
  /**
   * Where the run is with its CPU slot: `waiting` until it holds one (a definition with `acquiresSlot` prepares
   * meanwhile), `holding`, then `released` once the handler says the rest is I/O (JobCtx.releaseSlot) or it ends.
   */
  slot: 'waiting' | 'holding' | 'released';
  /** The handler wrote the run's completion in its own transaction (JobCtx.completeWithin). */
  completedWithin: boolean;
}

/**
 * Claims jobs from the database and runs their handlers, `concurrency` at a time, holding a lease that heartbeats
 * extend. Any number of Workers in any number of processes may share one database: claiming is atomic, and a job
 * whose worker dies runs again once its lease expires. All times come from deps.clock.
 */
export class Worker {
  readonly id: string;
  private readonly running = new Map<string, Running>();
  private readonly slots: Slots;
  private readonly enqueuedPeriods = new Map<string, number>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly options: WorkerOptions,
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.slots = new Slots(options.concurrency);
  }

  /** Starts the poll loop (returns at once). */
  start(): void {
    if (this.loop || this.stopping) {
      return;
    }
    this.loop = this.pollLoop();
  }

  /**
   * Graceful stop: claim nothing more, hand runs still waiting for a slot back to the queue at once (the attempt
   * does not count), wait up to `timeoutMs` for running handlers, then abort the rest and hand their jobs back to the
   * queue (the attempt counts). Resolves when no handler of this worker is being awaited.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    for (const r of this.running.values()) {
      if (r.slot === 'waiting') {
        r.controller.abort(new AbortReason('shutdown', 'Interrupted: the worker shut down before the job started.'));
      }
    }
    const pending = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([pending(), timedOut]);
    clearTimeout(timer);
    if (first === 'timeout') {
      for (const r of this.running.values()) {
        r.controller.abort(new AbortReason('shutdown', 'Interrupted: the worker shut down before the job finished.'));
      }
      await pending();
    }
  }

  /** Runs every job that is due now, repeatedly, until none is claimable (tests; also a one-shot drain). */
  async runUntilIdle(options: { maxRounds?: number } = {}): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    const maxRounds = options.maxRounds ?? 1000;
    for (let round = 0; round < maxRounds; round++) {
      const jobs = await this.claim(this.options.concurrency);
      if (jobs.length === 0) {
        return reports;
      }
      reports.push(...(await Promise.all(jobs.map((j) => this.launch(j)))));
    }
    throw new Error(`runUntilIdle: jobs were still due after ${maxRounds} rounds (a job that keeps enqueuing itself?)`);
  }

  /**
   * Enqueues each recurring job once per period. The job id is derived from (name, period start), so when several
   * workers do this for the same period, the database keeps one row (ON CONFLICT DO NOTHING on the primary key).
   */
  async enqueueScheduled(): Promise<number> {
    let created = 0;
    const now = this.deps.clock.now().getTime();
    for (const s of this.deps.jobs.registry.schedules()) {
      const periodMs = s.everySeconds * 1000;
      const periodStart = Math.floor(now / periodMs) * periodMs;
      if (this.enqueuedPeriods.get(s.name) === periodStart) {
        continue;
      }
      const result = await enqueueJob(this.deps, s.name, s.payload, {
        id: periodJobId(s.name, periodStart),
        runAt: new Date(periodStart),
      });
      this.enqueuedPeriods.set(s.name, periodStart);
      created += result.created ? 1 : 0;
    }
    return created;
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopping) {
      let claimedAll = false;
      try {
        await this.enqueueScheduled();
      } catch (err) {
        // Scheduling trouble must not stop this worker from running jobs; it is tried again next round.
        this.deps.log.error({ err, worker: this.id }, 'enqueueing scheduled jobs failed');
      }
      try {
        const plan = this.nextClaim();
        if (plan) {
          const jobs = await this.claim(plan.limit, plan.names);
          for (const job of jobs) {
            void this.launch(job);
          }
          claimedAll = jobs.length === plan.limit;
        }
      } catch (err) {
        this.deps.log.error({ err, worker: this.id }, 'job poll failed');
      }
      if (!claimedAll && !this.stopping) {
        await this.sleep(this.options.pollIntervalMs);
      }
    }
  }

  /**
   * What the next claim may take. Any job, as many as there are slots neither held nor promised to a waiting run.
   * With every slot spoken for and no run waiting: up to `concurrency` jobs whose definitions acquire their slot
   * themselves, claimed ahead so they are ready when a slot frees. Never more runs in flight than twice the
   * concurrency, plus those claimed ahead (released runs still hold memory, file handles and connections).
   */
  private nextClaim(): { limit: number; names: readonly string[] } | undefined {
    const { concurrency } = this.options;
    let waiting = 0;
    for (const run of this.running.values()) {
      waiting += run.slot === 'waiting' ? 1 : 0;
    }
    const free = Math.min(concurrency - this.slots.holding - waiting, 2 * concurrency - this.running.size);
    if (free > 0) {
      return { limit: free, names: this.deps.jobs.registry.names() };
    }
    // Ahead only once no run is left waiting, then for every slot: one claim (a statement and a commit) per
    // `concurrency` jobs rather than one per job, and still a run ready whenever a slot frees.
    const ahead = waiting > 0 ? 0 : Math.min(concurrency, 3 * concurrency - this.running.size);
    const names = this.deps.jobs.registry.namesAcquiringSlots();
    return ahead > 0 && names.length > 0 ? { limit: ahead, names } : undefined;
  }

  /** Waits for the poll interval, or less when a handler finishes or stop() is called. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private claim(limit: number, names: readonly string[] = this.deps.jobs.registry.names()): Promise<JobRow[]> {
    return this.deps.dialect.claimJobs(this.deps.db, {
      workerId: this.id,
      limit,
      leaseSeconds: this.options.leaseSeconds,
      now: this.deps.clock.now(),
      names,
    });
  }

  private launch(job: JobRow): Promise<RunReport> {
    const controller = new AbortController();
    // Started a microtask later, so the run is in `running` before its handler can take or release its slot.
    const done = Promise.resolve()
      .then(() => this.execute(job, controller))
      .catch((err: unknown): RunReport => {
        // The row could not be updated (database unreachable): the lease expires and the job runs again.
        this.deps.log.error({ err, job: job.id, worker: this.id }, 'could not record the end of a job run');
        return { id: job.id, name: job.name, attempt: job.attempts, outcome: 'lost', error: describeError(err) };
      })
      .finally(() => {
        this.releaseSlot(job.id);
        this.running.delete(job.id);
        this.wake?.();
      });
    // A job that holds its slot from the start takes a free one now, so no run that has begun is seen as waiting.
    const holds = this.deps.jobs.registry.get(job.name)?.definition.acquiresSlot !== true && this.slots.tryAcquire();
    this.running.set(job.id, { job, controller, done, slot: holds ? 'holding' : 'waiting', completedWithin: false });
    return done;
  }

  private async execute(job: JobRow, controller: AbortController): Promise<RunReport> {
    const report = (outcome: RunOutcome, error?: string): RunReport => ({
      id: job.id,
      name: job.name,
      attempt: job.attempts,
      outcome,
      ...(error === undefined ? {} : { error }),
    });
    const log = lazyChild(this.deps.log, { job: job.id, jobName: job.name, attempt: job.attempts, worker: this.id });
    const registered = this.deps.jobs.registry.get(job.name);
    // A run whose worker died on the last attempt is not tried again; what the job owns is settled first.
    if (job.attempts > job.max_attempts) {
      const error = job.last_error ?? 'The last attempt did not finish.';
      if (!(await this.settleOwned(registered, job, error, log))) {
        return report('lost', error);
      }
      return this.settle(job, report, log, { outcome: 'dead', error, attempts: job.max_attempts });
    }
    if (!registered) {
      // Not reachable through claim (it filters by name); kept so a bad row cannot crash the worker.
      return this.settle(job, report, log, { outcome: 'dead', error: `No handler for ${job.name}.` });
    }
    const payload = parsePayload(registered, job.payload);
    if (payload.error !== undefined) {
      return this.settle(job, report, log, { outcome: 'dead', error: payload.error });
    }
    const heartbeat = setInterval(() => void this.heartbeat(job, controller), (this.options.leaseSeconds * 1000) / 3);
    let timeout: NodeJS.Timeout | undefined;
    let over = false;
    const startClock = () => {
      clearTimeout(timeout);
      if (over) {
        // The run ended (aborted) while its handler was still waiting for a slot: no clock to start.
        return;
      }
      timeout = setTimeout(
        () => controller.abort(new AbortReason('timeout', `Timed out after ${registered.timeoutSeconds} s.`)),
        registered.timeoutSeconds * 1000,
      );
    };
    // Waiting for a slot is not the job's time: the clock stops meanwhile and starts afresh once the slot is held.
    const acquireSlot = async () => {
      if (this.running.get(job.id)?.slot !== 'waiting') {
        return;
      }
      clearTimeout(timeout);
      try {
        await this.acquireSlot(job.id, controller.signal);
      } finally {
        startClock();
      }
    };
    const ctx: JobCtx = {
      ...this.deps,
      log,
      signal: controller.signal,
      job: { id: job.id, name: job.name, attempt: job.attempts, maxAttempts: job.max_attempts },
      acquireSlot,
      releaseSlot: () => this.releaseSlot(job.id),
      completeWithin: (db) => this.completeWithin(job, controller, db),
    };
    let failure: unknown;
    let succeeded = false;
    try {
      startClock();
      if (!registered.definition.acquiresSlot) {
        await acquireSlot();
      }
      await untilAborted(registered.definition.handler(ctx, payload.value), controller.signal);
      succeeded = true;
    } catch (err) {
      failure = err;
    } finally {
      over = true;
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
    if (succeeded) {
      if (this.running.get(job.id)?.completedWithin) {
        log.debug('job completed');
        return report('completed');
      }
      return this.settle(job, report, log, { outcome: 'completed' });
    }
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason instanceof AbortReason && reason.kind === 'lost') {
      log.warn('lost the lease (job re-claimed elsewhere or cancelled); result discarded');
      return report('lost', reason.message);
    }
    const error = describeError(reason instanceof AbortReason ? reason : failure);
    if (reason instanceof AbortReason && reason.kind === 'shutdown') {
      const started = this.running.get(job.id)?.slot !== 'waiting';
      return this.settle(job, report, log, { outcome: 'released', error, ...(started ? {} : { notStarted: true }) });
    }
    if (job.attempts < job.max_attempts) {
      return this.settle(job, report, log, { outcome: 'retry', error, retry: registered });
    }
    if (!(await this.settleOwned(registered, job, error, log))) {
      return report('lost', error);
    }
    return this.settle(job, report, log, { outcome: 'dead', error });
  }

  /**
   * Runs the definition's onDead before its job is marked dead, so nothing the job owns (a pending derivative) waits
   * forever. False when onDead failed: the row is left running, and once its lease runs out the job is claimed
   * again and comes back here.
   */
  private async settleOwned(registered: RegisteredJob | undefined, job: JobRow, error: string, log: Deps['log']): Promise<boolean> {
    const onDead = registered?.definition.onDead;
    if (!registered || !onDead) {
      return true;
    }
    const payload = parsePayload(registered, job.payload);
    if (payload.error !== undefined) {
      return true;
    }
    try {
      await onDead.call(registered.definition, { ...this.deps, log }, payload.value, error);
      return true;
    } catch (err) {
      log.error({ err }, 'could not settle what a dead job owns; it runs again after its lease');
      return false;
    }
  }

  /** Writes the run's end to its row (guarded by the claim); a row that moved on means the lease was lost. */
  private async settle(
    job: JobRow,
    report: (outcome: RunOutcome, error?: string) => RunReport,
    log: Deps['log'],
    end: { outcome: Exclude<RunOutcome, 'lost'>; error?: string; retry?: RegisteredJob; attempts?: number; notStarted?: true },
  ): Promise<RunReport> {
    const now = this.deps.clock.now();
    const error = end.error ?? '';
    let applied: boolean;
    switch (end.outcome) {
      case 'completed':
        applied = await completeJob(this.deps.db, job, now);
        break;
      case 'released':
        applied = end.notStarted ? await unclaimJob(this.deps.db, job, now) : await releaseJob(this.deps.db, job, { error, now });
        break;
      case 'dead':
        applied = await killJob(this.deps.db, job, { error, now, ...(end.attempts === undefined ? {} : { attempts: end.attempts }) });
        break;
      case 'retry': {
        const backoff = end.retry?.retry.backoff ?? DEFAULT_RETRY.backoff;
        const delay = backoffSeconds(backoff, job.attempts, (this.options.random ?? Math.random)());
        applied = await retryJob(this.deps.db, job, { runAt: new Date(now.getTime() + delay * 1000), error, now });
        break;
      }
    }
    if (!applied) {
      log.warn({ outcome: end.outcome }, 'job row changed under this worker; result discarded');
      return report('lost', end.error);
    }
    if (end.outcome === 'completed') {
      log.debug('job completed');
    } else {
      log[end.outcome === 'dead' ? 'error' : 'warn']({ error: end.error, outcome: end.outcome }, 'job failed');
    }
    return report(end.outcome, end.error);
  }

  /** Takes a slot for a waiting run (a run holding one, or done with it, takes none). */
  private async acquireSlot(jobId: string, signal: AbortSignal): Promise<void> {
    const run = this.running.get(jobId);
    if (!run || run.slot !== 'waiting') {
      return;
    }
    await this.slots.acquire(signal);
    if (run.slot === 'waiting') {
      run.slot = 'holding';
    } else {
      // Released while it waited (the handler went on without it): the slot goes to the next run.
      this.slots.release();
    }
  }

  /** Ends a run's claim on the CPU: a held slot passes to the next waiting run; the poll loop may claim more. */
  private releaseSlot(jobId: string): void {
    const run = this.running.get(jobId);
    if (!run || run.slot === 'released') {
      return;
    }
    if (run.slot === 'holding') {
      this.slots.release();
    }
    run.slot = 'released';
    this.wake?.();
  }

  private async completeWithin(job: JobRow, controller: AbortController, db: Kysely<DB>): Promise<void> {
    if (!(await completeJob(db, job, this.deps.clock.now()))) {
      const reason = new AbortReason('lost', 'The lease was lost or the job was cancelled.');
      controller.abort(reason);
      throw reason;
    }
    const run = this.running.get(job.id);
    if (run) {
      run.completedWithin = true;
    }
  }

  private async heartbeat(job: JobRow, controller: AbortController): Promise<void> {
    // A run that completed within its transaction no longer owns a running row; the handler is just returning.
    if (controller.signal.aborted || this.running.get(job.id)?.completedWithin) {
      return;
    }
    try {
      const now = this.deps.clock.now();
      const until = new Date(now.getTime() + this.options.leaseSeconds * 1000);
      // A beat sent before the run completed within its transaction may be applied after that commit (it waited for
      // the row or for a connection): it finds the row completed, which is the run's own doing, not a lost lease.
      if (!(await extendLease(this.deps.db, job, { until, now })) && !this.running.get(job.id)?.completedWithin) {
        controller.abort(new AbortReason('lost', 'The lease was lost or the job was cancelled.'));
      }
    } catch (err) {
      // A failed heartbeat is retried at the next beat; the lease has two more beats of slack.
      this.deps.log.warn({ err, job: job.id }, 'job heartbeat failed');
    }
  }
}
