import { z } from 'zod';

/**
 * Every job the runner knows: a versioned queue name and the zod shape of its payload. A
 * payload change that old workers cannot read gets a new version (a new queue), so a rolling
 * deploy never hands a job to code that misreads it.
 */
const OrgId = z.string().min(1);

export const JOBS = {
  /** Re-evaluate one lease now. Stately: at most one queued and one running per lease. */
  evaluate: {
    queue: 'lease.evaluate.v1',
    payload: z.object({ org_id: OrgId, lease_id: z.string().min(1), cause: z.string().min(1) }),
  },
  /** The engine's timer: at the instant it asked for, it becomes an evaluation. */
  timer: {
    queue: 'lease.timer.v1',
    payload: z.object({ org_id: OrgId, lease_id: z.string().min(1) }),
  },
  /** Send (or post, or refuse) one effect at its instant; the transactional outbox's relay. */
  dispatch: {
    queue: 'effect.dispatch.v1',
    payload: z.object({ org_id: OrgId, key: z.string().min(1) }),
  },
  /** One verified, deduplicated webhook event: a reply, a delivery report. */
  webhook: {
    queue: 'webhook.event.v1',
    payload: z.object({ org_id: OrgId, source: z.string().min(1), event_id: z.string().min(1) }),
  },
  /** The scheduled portfolio scan (cron), every org. */
  scan: {
    queue: 'portfolio.scan.v1',
    payload: z.object({ org_id: OrgId.optional() }),
  },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

/** Jobs that exhausted their retries land here, payload intact, for `GET /v1/jobs/dead-letter`. */
export const DEAD_LETTER_QUEUE = 'dead-letter.v1';
