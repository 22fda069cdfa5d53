import type { PgBoss, JobInsert } from 'pg-boss';
import type { OutboxRelay } from '../db/outbox.ts';
import { bossSchema, transactionAdapter } from './boss.ts';
import { noteJobWrites } from './job-statistics.ts';
import { jobId } from './ids.ts';
import { JOBS } from './jobs.ts';

/**
 * Turns the work a transaction noted into pg-boss jobs inside that transaction: the effect rows
 * and their dispatch jobs, the ledger rows and their evaluations, commit together or not at all.
 */
export function bossRelay(boss: PgBoss): OutboxRelay {
  const started = bossSchema(boss);
  return async (trx, items) => {
    const dispatch: JobInsert[] = [];
    const timers: JobInsert[] = [];
    const evaluate = new Map<string, JobInsert>();
    const webhooks: JobInsert[] = [];
    for (const item of items) {
      if (item.kind === 'webhook')
        webhooks.push({
          id: jobId('webhook', item.orgId, item.source, item.eventId),
          data: { org_id: item.orgId, source: item.source, event_id: item.eventId },
        });
      else if (item.kind === 'dispatch')
        dispatch.push({
          ...(item.retry ? {} : { id: jobId('dispatch', item.orgId, item.key, item.at.toISOString()) }),
          data: { org_id: item.orgId, key: item.key },
          startAfter: item.at,
        });
      else if (item.at)
        timers.push({
          id: jobId('timer', item.orgId, item.leaseId, item.at.toISOString()),
          data: { org_id: item.orgId, lease_id: item.leaseId },
          startAfter: item.at,
        });
      else {
        // Stately queue: one queued evaluation per lease is enough, it reads the latest state.
        const singletonKey = `${item.orgId}:${item.leaseId}`;
        if (!evaluate.has(singletonKey))
          evaluate.set(singletonKey, {
            data: { org_id: item.orgId, lease_id: item.leaseId, cause: item.cause },
            singletonKey,
          });
      }
    }
    const db = transactionAdapter(trx);
    if (dispatch.length) await boss.insert(JOBS.dispatch.queue, dispatch, { db });
    if (timers.length) await boss.insert(JOBS.timer.queue, timers, { db });
    if (webhooks.length) await boss.insert(JOBS.webhook.queue, webhooks, { db });
    if (evaluate.size) await boss.insert(JOBS.evaluate.queue, [...evaluate.values()], { db });
    const jobs = dispatch.length + timers.length + webhooks.length + evaluate.size;
    // Committed: the job table's statistics follow what was enqueued (job-statistics.ts).
    if (started && jobs > 0) return () => noteJobWrites(started.db, started.schema, jobs);
  };
}
