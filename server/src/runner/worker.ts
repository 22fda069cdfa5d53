import type { Job, JobResult, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database, Trx } from '../db/database.ts';
import { finishDispatch, prepareDispatch, type DispatchScope, type PreparedDispatch } from '../escalation/dispatch.ts';
import { dispatchDueIn, prepareDispatches } from '../escalation/dispatch-batch.ts';
import { evaluateLeaseIn, evaluateLeasesIn, takeEvaluatedContexts } from '../escalation/evaluate.ts';
import { contactGuard } from '../escalation/guards.ts';
import { orgPolicyFor } from '../orgs/settings.ts';
import type { Ports } from '../ports/index.ts';
import { processInboundEvent } from '../webhooks/process.ts';
import { takeDueDispatches } from '../db/outbox.ts';
import { noteWrites } from '../db/statistics.ts';
import { bossRelay } from './relay.ts';
import { inOneTransaction, lanesOf } from './batch.ts';
import { JOBS, type JobName, type JobPayload } from './jobs.ts';
import { scanOrg } from './scan.ts';

export interface WorkerDeps {
  db: Database;
  boss: PgBoss;
  clock: Clock;
  logger: Logger;
  /** The ports an org dispatches through (its providers, or the sandbox). */
  portsFor(orgId: string): Promise<Ports>;
  /** Jobs fetched per poll; embedded mode has one connection, so it works one at a time anyway. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
  /**
   * Lanes a fetched batch is worked in at once: evaluations and dispatches of one lane share
   * one transaction, webhooks and scans run one by one in them. Bounded by the database pool
   * (embedded PGlite has one connection, so 1 there: a whole batch per transaction).
   */
  concurrency?: number;
  /** How often the portfolio scan runs (cron, UTC). */
  scanCron?: string;
}

export interface Worker {
  stop(): Promise<void>;
}

const SYSTEM = { id: 'system:runner', role: 'system' as const };

/**
 * Registers every job handler and the scan schedule on a started pg-boss, and attaches the
 * outbox relay so business transactions enqueue their follow-up jobs. Several workers (in
 * several processes) can run against one database: pg-boss hands each job to one of them.
 */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  const { db, boss, clock, logger } = deps;
  db.relay = bossRelay(boss);
  const options = {
    batchSize: deps.batchSize ?? 500,
    pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1,
    burstWhenBatchFull: true,
    perJobResults: true as const,
  };
  const concurrency = Math.max(1, deps.concurrency ?? 1);

  const scope = (orgId: string) => ({ db, orgId, policyFor: orgPolicyFor });
  const evaluateIn = (trx: Trx, orgId: string, leaseId: string, cause: string, now: Date) =>
    evaluateLeaseIn(trx, scope(orgId), leaseId, { type: 'evaluate', cause }, now, SYSTEM);
  const dispatchScope = async (orgId: string): Promise<DispatchScope> => ({
    db,
    orgId,
    guard: contactGuard,
    ports: await deps.portsFor(orgId),
  });
  /**
   * A lane of evaluations decides at one instant, set-based: the first job of each lease is
   * evaluated with all the others in one go (evaluateLeasesIn: two reads, one write per table);
   * a second job for a lease already evaluated in the lane runs alone and sees the first. If the
   * lane's transaction fails, each job runs again alone (batch.ts), each read afresh.
   */
  const evaluations = async (orgId: string, cause: (data: { cause?: string }) => string) => {
    const now = clock.now();
    const ds = await dispatchScope(orgId);
    const decided = new WeakMap<Trx, Map<string, unknown>>();
    return {
      work: async (trx: Trx, data: { lease_id: string; cause?: string }) => {
        const batch = decided.get(trx);
        const done = batch?.get(data.lease_id);
        if (done !== undefined) {
          batch!.delete(data.lease_id);
          return done;
        }
        return evaluateIn(trx, orgId, data.lease_id, cause(data), now);
      },
      // Committed: keep the planner's statistics up with the cases and effects it wrote (a
      // failure to analyse is no failure of the job, which is done).
      finish: async () => {
        await noteWrites(db, 'escalation', 1).catch((err: unknown) => logger.warn({ err }, 'analyze failed'));
        return null;
      },
      setBased: async (trx: Trx, items: readonly { data: { lease_id: string; cause?: string } }[]) => {
        const first = new Map<string, { leaseId: string; input: { type: 'evaluate'; cause: string } }>();
        for (const { data } of items)
          if (!first.has(data.lease_id))
            first.set(data.lease_id, { leaseId: data.lease_id, input: { type: 'evaluate', cause: cause(data) } });
        decided.set(trx, await evaluateLeasesIn(trx, scope(orgId), [...first.values()], now, SYSTEM));
        // What these decisions made due now is sent in this same commit, not a job later.
        await dispatchDueIn(trx, ds, takeDueDispatches(trx, now), now, takeEvaluatedContexts(trx, now));
      },
    };
  };

  /**
   * Jobs whose work is a transaction of one org: a fetched batch is grouped by org, ordered
   * (so concurrent lanes take row locks in one order and never deadlock each other), split
   * into `concurrency` lanes, and each lane's jobs share one transaction (batch.ts).
   */
  const inTransaction: {
    [N in 'evaluate' | 'timer' | 'dispatch']: {
      order(data: JobPayload<N>): string;
      prepare(orgId: string): Promise<{
        work(trx: Trx, data: JobPayload<N>): Promise<unknown>;
        finish(prepared: unknown): Promise<unknown>;
        setBased?(trx: Trx, items: readonly { data: JobPayload<N> }[]): Promise<void>;
      }>;
    };
  } = {
    evaluate: {
      order: (data) => data.lease_id,
      prepare: (orgId) => evaluations(orgId, (data) => data.cause ?? 'evaluate'),
    },
    timer: {
      order: (data) => data.lease_id,
      prepare: (orgId) => evaluations(orgId, () => 'timer'),
    },
    dispatch: {
      order: (data) => data.key,
      prepare: async (orgId) => {
        const ds = await dispatchScope(orgId);
        // A lane dispatches at one instant, set-based (prepareDispatches); a job whose key the
        // lane already dispatched (a duplicate) or that runs alone goes through prepareDispatch.
        const now = clock.now();
        const batches = new WeakMap<Trx, Map<string, PreparedDispatch | null>>();
        return {
          work: async (trx, data) => {
            const batch = batches.get(trx);
            if (batch?.has(data.key)) {
              const prepared = batch.get(data.key)!;
              batch.delete(data.key);
              return prepared;
            }
            return prepareDispatch(trx, ds, data.key, now);
          },
          finish: (prepared) => finishDispatch(ds, prepared as PreparedDispatch | null, clock.now()),
          setBased: async (trx, items) => {
            batches.set(
              trx,
              await prepareDispatches(
                trx,
                ds,
                items.map((item) => item.data.key),
                now,
              ),
            );
          },
        };
      },
    },
  };

  /** Jobs that run alone, each on its own terms (they open their own transactions). */
  const alone: { [N in 'webhook' | 'scan']: (data: JobPayload<N>) => Promise<unknown> } = {
    // A delivery report is re-fetched through the org's ports before it is acted on (a retryable
    // fetch failure fails the job, so pg-boss retries it with backoff).
    webhook: (data) =>
      processInboundEvent(db, data.org_id, data.source, data.event_id, clock.now(), {
        ports: () => deps.portsFor(data.org_id),
      }),
    scan: async (data) => {
      const orgs: string[] = data.org_id
        ? [data.org_id]
        : (await db.knex('orgs').select('org_id').orderBy('org_id')).map((o: { org_id: string }) => o.org_id);
      const results = [];
      for (const orgId of orgs) results.push(await scanOrg(db, orgId, clock.now()));
      logger.info({ scan: results }, 'portfolio scan');
      return results;
    },
  };

  const completed = (queue: string, id: string, output: unknown): JobResult => {
    logger.debug({ queue, job: id }, 'job done');
    return { id, status: 'completed', output: output ?? null };
  };
  const failed = (queue: string, id: string, error: unknown): JobResult => {
    logger.warn({ queue, job: id, err: error }, 'job failed; pg-boss retries it with backoff');
    return { id, status: 'failed', output: { error: (error as Error).message } };
  };

  /** Runs `count` tasks with at most `concurrency` of them at once. */
  const inLanes = async (count: number, task: (i: number) => Promise<void>) => {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  };

  const workers: [string, string][] = [];
  for (const name of Object.keys(JOBS) as JobName[]) {
    const { queue, payload } = JOBS[name];
    workers.push([
      queue,
      await boss.work(queue, options, async (jobs: Job<unknown>[]): Promise<JobResult[]> => {
        const results = new Map<string, JobResult>();
        const valid: { id: string; data: { org_id: string } & Record<string, unknown> }[] = [];
        for (const job of jobs) {
          const parsed = payload.safeParse(job.data);
          if (parsed.success) valid.push({ id: job.id, data: parsed.data as (typeof valid)[number]['data'] });
          else {
            // Retrying cannot fix a payload this code cannot read: straight to the dead letters.
            logger.error({ queue, job: job.id, issues: parsed.error.issues }, 'malformed job payload');
            results.set(job.id, { id: job.id, status: 'deadletter', output: { error: 'malformed payload' } });
          }
        }
        if (name === 'webhook' || name === 'scan') {
          const handler = alone[name] as (data: unknown) => Promise<unknown>;
          // Jobs of a batch touch different events (each locks its own rows), so they run side
          // by side; a round trip waiting on the database no longer idles the worker.
          await inLanes(valid.length, async (i) => {
            const { id, data } = valid[i]!;
            try {
              results.set(id, completed(queue, id, await handler(data)));
            } catch (error) {
              results.set(id, failed(queue, id, error));
            }
          });
        } else {
          const kind = inTransaction[name] as (typeof inTransaction)['evaluate'];
          const byOrg = new Map<string, typeof valid>();
          for (const job of valid) byOrg.set(job.data.org_id, [...(byOrg.get(job.data.org_id) ?? []), job]);
          const runs: { orgId: string; jobs: typeof valid }[] = [];
          for (const [orgId, group] of byOrg) {
            const key = (job: (typeof valid)[number]) => kind.order(job.data as never);
            group.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
            for (const lane of lanesOf(group, concurrency)) runs.push({ orgId, jobs: lane });
          }
          await inLanes(runs.length, async (i) => {
            const { orgId, jobs: lane } = runs[i]!;
            try {
              const { work, finish, setBased } = await kind.prepare(orgId);
              const outcomes = await inOneTransaction(
                db,
                orgId,
                lane,
                (trx, job) => work(trx, job.data as never),
                finish,
                setBased && ((trx, jobs) => setBased(trx, jobs as never)),
              );
              outcomes.forEach((outcome, n) => {
                const id = lane[n]!.id;
                results.set(id, outcome.ok ? completed(queue, id, outcome.value) : failed(queue, id, outcome.error));
              });
            } catch (error) {
              for (const job of lane) results.set(job.id, failed(queue, job.id, error));
            }
          });
        }
        return jobs.map((job) => results.get(job.id)!);
      }),
    ]);
  }
  await boss.schedule(JOBS.scan.queue, deps.scanCron ?? '5 * * * *', {}, { tz: 'UTC' });
  // A worker that starts after downtime catches up at once instead of at the next cron tick.
  await boss.send(JOBS.scan.queue, {});

  return {
    async stop() {
      for (const [queue, id] of workers) await boss.offWork(queue, { id, wait: true });
      db.relay = undefined;
    },
  };
}
