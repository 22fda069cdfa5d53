import { z } from 'zod';

/** `POST /v1/leases/{id}/flags`: a property manager flags an at-risk account. */
export const FlagRequest = z.object({
  user_id: z.string().min(1).max(200).describe('The manager (a user of this org) who flags it; audited as the actor'),
  reason: z.string().min(1).max(2000),
});

/** `POST /v1/leases/{id}/status`: a tenant status change, as CRM workflow rules send it. */
export const StatusRequest = z.object({
  status: z.enum(['grace_period', 'at_risk', 'current']),
  source: z.string().min(1).max(200).default('crm:workflow').describe('Who changed it, for the audit trail'),
});

export const TriggerAccepted = z.object({
  lease_id: z.string(),
  accepted: z.literal(true),
  /** Evaluation runs as a job; the case and its actions follow within seconds. */
  evaluation: z.enum(['queued', 'no_worker']),
});

export const OutboxMessage = z.object({
  id: z.number().int(),
  effect_key: z.string(),
  lease_id: z.string(),
  channel: z.string(),
  provider: z.literal('sandbox'),
  provider_message_id: z.string(),
  recipients: z.array(z.unknown()),
  subject: z.string().nullable(),
  body: z.string(),
  content_sha256: z.string(),
  sent_at: z.string(),
});
export const OutboxPage = z.object({ messages: z.array(OutboxMessage), next_after: z.number().int().nullable() });

export const DeadLetter = z.object({
  id: z.string(),
  queue: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  created_on: z.string(),
  output: z.unknown(),
});
export const DeadLetterPage = z.object({ jobs: z.array(DeadLetter) });
