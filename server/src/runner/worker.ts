import type { Job, JobResult, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { dispatchEffect } from '../escalation/dispatch.ts';
import { evaluateLease } from '../escalation/evaluate.ts';
import { contactGuard } from '../escalation/guards.ts';
import { orgPolicyFor } from '../orgs/settings.ts';
import type { Ports } from '../ports/index.ts';
import { processInboundEvent } from '../webhooks/process.ts';
import { bossRelay } from './relay.ts';
import { JOBS, type JobName } from './jobs.ts';
import { scanOrg } from './scan.ts';

export interface WorkerDeps {
  db: Database;
  boss: PgBoss;
  clock: Clock;
  logger: Logger;
  /** The ports an org dispatches through (its providers, or the sandbox). */
  portsFor(orgId: string): Promise<Ports>;
  paymentLinkBase: string;
  /** Jobs fetched per poll; embedded mode has one connection, so it works one at a time anyway. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
  /**
   * Jobs of one fetched batch run at once, each in its own transaction; bounded by the
   * database pool (embedded PGlite has one connection, so 1 there).
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
    batchSize: deps.batchSize ?? 50,
    pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1,
    burstWhenBatchFull: true,
    perJobResults: true as const,
  };
  const concurrency = Math.max(1, deps.concurrency ?? 1);

  const evaluate = async (orgId: string, leaseId: string, cause: string) => {
    await evaluateLease(
      { db, orgId, policyFor: orgPolicyFor },
      leaseId,
      { type: 'evaluate', cause },
      clock.now(),
      SYSTEM,
    );
  };

  const handlers: { [N in JobName]: (data: z.infer<(typeof JOBS)[N]['payload']>) => Promise<unknown> } = {
    evaluate: (data) => evaluate(data.org_id, data.lease_id, data.cause),
    timer: (data) => evaluate(data.org_id, data.lease_id, 'timer'),
    dispatch: async (data) =>
      dispatchEffect(
        {
          db,
          orgId: data.org_id,
          guard: contactGuard,
          paymentLinkBase: deps.paymentLinkBase,
          ports: await deps.portsFor(data.org_id),
        },
        data.key,
        clock.now(),
      ),
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

  const workers: [string, string][] = [];
  for (const name of Object.keys(JOBS) as JobName[]) {
    const { queue, payload } = JOBS[name];
    const handler = handlers[name] as (data: unknown) => Promise<unknown>;
    workers.push([
      queue,
      await boss.work(queue, options, async (jobs: Job<unknown>[]): Promise<JobResult[]> => {
        const runOne = async (job: Job<unknown>): Promise<JobResult> => {
          const parsed = payload.safeParse(job.data);
          if (!parsed.success) {
            // Retrying cannot fix a payload this code cannot read: straight to the dead letters.
            logger.error({ queue, job: job.id, issues: parsed.error.issues }, 'malformed job payload');
            return { id: job.id, status: 'deadletter', output: { error: 'malformed payload' } };
          }
          try {
            logger.debug({ queue, job: job.id, data: parsed.data }, 'job started');
            const output = await handler(parsed.data);
            logger.debug({ queue, job: job.id }, 'job done');
            return { id: job.id, status: 'completed', output: output ?? null };
          } catch (error) {
            logger.warn({ queue, job: job.id, err: error }, 'job failed; pg-boss retries it with backoff');
            return { id: job.id, status: 'failed', output: { error: (error as Error).message } };
          }
        };
        // Jobs of a batch touch different leases or effects (each locks its own row), so they
        // run side by side; a round trip waiting on the database no longer idles the worker.
        const results: JobResult[] = new Array(jobs.length);
        let next = 0;
        const lane = async () => {
          for (let i = next++; i < jobs.length; i = next++) results[i] = await runOne(jobs[i]!);
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
        return results;
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
