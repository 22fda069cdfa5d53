import crypto from 'node:crypto';
import { appendAudit } from '../audit/append.ts';
import { classifyInbound } from '../compliance/guards/inbound-keywords.ts';
import type { Database, Trx } from '../db/database.ts';
import { noteWork } from '../db/outbox.ts';
import * as signals from '../escalation/signals.ts';
import { ingestChunk, recordRejections } from '../ledger/ingest.ts';
import { isRetryable, ProviderError, type OutboundBase, type OutboundPort, type Ports } from '../ports/index.ts';
import type { FetchedStatus } from '../ports/port.ts';
import type { DeliveryStatusEvent, InboundEvent, InboundMessageEvent, LedgerEventsEvent } from './scheme.ts';

/** A stored event: a jsonb object, or its JSON text in a jsonb string when it holds a NUL (ingress.ts). */
export function eventOf(payload: unknown): InboundEvent {
  return (typeof payload === 'string' ? JSON.parse(payload) : payload) as InboundEvent;
}

/** Reports that mean the message did not reach the tenant: the next channel takes over. */
const FAILED = new Set(['undelivered', 'failed', 'bounced', 'dropped', 'no_answer', 'busy']);
/** Later reports never overwrite a more final one (webhooks arrive out of order). */
const RANK: Record<string, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  answered: 2,
  voicemail: 2,
  opened: 3,
  clicked: 4,
};
const rank = (status: string | null) => (status === null ? -1 : FAILED.has(status) ? 10 : (RANK[status] ?? 5));

export interface ProcessOptions {
  /**
   * The org's ports (providers/registry.ts), asked for only when the event is a delivery
   * report: a port with `fetchStatus` re-fetches the message, and its answer replaces the
   * report's status. Without it (tests, tools) reports are taken as they are.
   */
  ports?: () => Promise<Ports>;
}

/** Where the status a delivery report is acted on came from. */
type Truth =
  /** Read back from the provider's API. */
  | ({ source: 'fetched'; provider: string } & FetchedStatus)
  /** The provider could have been asked and was not answered usefully: the verified report stands. */
  | { source: 'payload'; why: string };

/**
 * Acts on one stored, verified webhook event, once: the row's `processed_at` is set in the same
 * transaction as everything the event causes, so a retried job finds it done.
 *
 * The payload is a hint: for a delivery report whose provider can be asked (a port with
 * `fetchStatus`), the message's status is re-fetched first, outside any transaction (no network
 * call holds a transaction or a row lock open), and acted on instead of the report's. A fetch
 * that may succeed later (rate limited, provider down) throws, so the job is retried with
 * backoff and the event stays unprocessed; one that cannot (bad credentials, unknown message)
 * falls back to the verified report, and the outcome and the audit trail say so and why.
 */
export async function processInboundEvent(
  db: Database,
  orgId: string,
  source: string,
  eventId: string,
  now: Date,
  options: ProcessOptions = {},
): Promise<string> {
  const truth = options.ports ? await refetch(db, orgId, source, eventId, now, options.ports) : undefined;
  return db.withOrg(orgId, async (trx) => {
    const row = await trx('inbound_events')
      .where({ org_id: orgId, source, event_id: eventId })
      .forUpdate()
      .first('kind', 'payload', 'processed_at');
    if (!row) return 'missing';
    if (row.processed_at) return 'already_processed';
    const outcome =
      row.kind === 'inbound_message'
        ? await inboundMessage(trx, orgId, eventOf(row.payload) as InboundMessageEvent, now)
        : row.kind === 'ledger_events'
          ? await ledgerEvents(trx, db, orgId, eventOf(row.payload) as LedgerEventsEvent, now)
          : await deliveryStatus(
              trx,
              orgId,
              `${source}:${eventId}`,
              eventOf(row.payload) as DeliveryStatusEvent,
              now,
              truth,
            );
    await trx('inbound_events')
      .where({ org_id: orgId, source, event_id: eventId })
      .update({ processed_at: now, outcome });
    return outcome;
  });
}

const effectOf = (trx: Trx, orgId: string, event: DeliveryStatusEvent) => {
  const query = trx('effects').where({ org_id: orgId });
  return event.effect_key
    ? query.andWhere({ key: event.effect_key })
    : query.andWhere({ provider: event.provider, provider_message_id: event.provider_message_id });
};

/** The port an effect of this type was sent through (escalation/delivery.ts). */
function portOf(ports: Ports, effectType: string): OutboundPort<OutboundBase> | undefined {
  const port =
    effectType === 'email'
      ? ports.email
      : effectType === 'sms'
        ? ports.sms
        : effectType === 'call'
          ? ports.voice
          : ['letter', 'certified_letter', 'notice', 'receipt'].includes(effectType)
            ? ports.letter
            : undefined;
  return port as OutboundPort<OutboundBase> | undefined;
}

/**
 * Asks the provider what became of the reported message, when it can be asked: the org's port
 * for the effect's channel is the provider that sent it and has `fetchStatus` (Twilio's SMS and
 * voice ports do). SendGrid's email port has none on purpose: it offers no cheap read-back (its
 * Email Activity API is a paid add-on), so its signed event webhook is taken as it is; the
 * sandbox has nothing to ask. Reads the event and its effect in a short transaction of
 * their own, which ends before the call; the processing transaction re-reads both under lock.
 */
async function refetch(
  db: Database,
  orgId: string,
  source: string,
  eventId: string,
  now: Date,
  portsFor: () => Promise<Ports>,
): Promise<Truth | undefined> {
  const found = await db.withOrg(orgId, async (trx) => {
    const row = await trx('inbound_events')
      .where({ org_id: orgId, source, event_id: eventId })
      .first('kind', 'payload', 'processed_at');
    if (!row || row.processed_at || row.kind !== 'delivery_status') return undefined;
    const event = eventOf(row.payload) as DeliveryStatusEvent;
    const effect = await effectOf(trx, orgId, event).first('type');
    return effect ? { event, type: effect.type as string } : undefined;
  });
  if (!found) return undefined;
  const port = portOf(await portsFor(), found.type);
  if (!port?.fetchStatus || port.provider !== found.event.provider) return undefined;
  try {
    const fetched = await port.fetchStatus(found.event.provider_message_id, { now });
    return { source: 'fetched', provider: port.provider, ...fetched };
  } catch (error) {
    // Worth asking again: fail the job; pg-boss retries it with backoff (then dead letters).
    if (error instanceof ProviderError && isRetryable(error.kind)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { source: 'payload', why: `${port.provider} re-fetch failed: ${message}` };
  }
}

async function contextOf(trx: Trx, orgId: string, leaseId: string, now: Date): Promise<signals.SignalContext> {
  const ctx = await signals.signalContext(trx, orgId, leaseId, now);
  // Leases are never deleted, and these ids came from rows that reference them.
  if (!ctx) throw new Error(`lease ${leaseId} vanished`);
  return ctx;
}

/**
 * A tenant's reply: STOP words revoke consent on that channel (one confirmation text follows),
 * "I need help" opens an agent task and pauses automation, anything else is a conversation.
 * The sender is matched by phone number or email address to every lease they are on.
 */
async function inboundMessage(trx: Trx, orgId: string, event: InboundMessageEvent, now: Date): Promise<string> {
  const point = event.channel === 'sms' ? 'phone' : 'email';
  const value = event.channel === 'sms' ? event.from : event.from.toLowerCase();
  const matches: { tenant_id: string; lease_id: string }[] = await trx('contact_points as c')
    .join('lease_tenants as lt', function joinLeases() {
      this.on('lt.org_id', 'c.org_id').andOn('lt.tenant_id', 'c.tenant_id');
    })
    .join('leases as l', function joinLease() {
      this.on('l.org_id', 'lt.org_id').andOn('l.id', 'lt.lease_id');
    })
    .where({ 'c.org_id': orgId, 'c.channel': point })
    .andWhereRaw(point === 'email' ? 'lower(c.value) = ?' : 'c.value = ?', [value])
    .orderBy('lt.lease_id')
    .select('c.tenant_id', 'lt.lease_id');
  if (matches.length === 0) return 'unmatched_sender';
  const intent = classifyInbound(event.body);
  if (event.channel === 'email' && event.sender_verified !== true)
    return unverifiedEmail(trx, orgId, event, intent, [...new Set(matches.map((m) => m.lease_id))], now);
  for (const leaseId of [...new Set(matches.map((m) => m.lease_id))]) {
    const ctx = await contextOf(trx, orgId, leaseId, now);
    const tenants = matches.filter((m) => m.lease_id === leaseId).map((m) => m.tenant_id);
    if (intent === 'opt_out') await signals.recordOptOut(ctx, event.channel, tenants);
    else if (intent === 'help') await signals.recordHelpRequest(ctx, event.channel, event.body);
    else await signals.recordReply(ctx, event.channel, event.body);
    noteWork(trx, { kind: 'evaluate', orgId, leaseId, cause: `inbound:${intent}` });
  }
  return intent;
}

/**
 * An email reply whose From domain is not authenticated (no aligned DKIM or SPF pass, or a
 * reply stored before the check existed): anyone can put a tenant's address in From, so it
 * revokes no consent and pauses nothing. A person gets it as a reply task, marked unverified
 * with what the check found, and confirms with the tenant before acting on a STOP or a plea
 * for help. The audit row says what the words would have done.
 */
async function unverifiedEmail(
  trx: Trx,
  orgId: string,
  event: InboundMessageEvent,
  intent: string,
  leaseIds: string[],
  now: Date,
): Promise<string> {
  const check = event.sender_check ?? 'not checked';
  const body = `[Unverified sender (${check}): this email may be forged, so nothing was changed; confirm with the tenant before acting on it.] ${event.body}`;
  for (const leaseId of leaseIds) {
    const ctx = await contextOf(trx, orgId, leaseId, now);
    await signals.recordEffect(
      ctx,
      // Keyed by the email, not the clock: a re-run adds nothing, two emails get a task each.
      `${leaseId}:unverified-reply:${crypto.createHash('sha256').update(event.id).digest('hex').slice(0, 32)}`,
      'task',
      'scheduled',
      'system:inbound',
      {
        template: 'tenant-replied',
        channel: 'email',
        body,
        unverified_sender: true,
      },
    );
    await appendAudit(trx, {
      orgId,
      at: now,
      actor: 'system:webhook',
      action: 'webhook.unverified_sender',
      subjectType: 'lease',
      subjectId: leaseId,
      data: { event: event.id, from: event.from, check, intent_not_acted_on: intent },
    });
    noteWork(trx, { kind: 'evaluate', orgId, leaseId, cause: 'inbound:unverified' });
  }
  return `unverified_sender (${intent} not acted on)`;
}

/**
 * A delivery report: recorded on the effect; a failure sends the step once on the next channel.
 * With `truth` fetched from the provider, its status (and reason) replace the report's.
 */
async function deliveryStatus(
  trx: Trx,
  orgId: string,
  subject: string,
  event: DeliveryStatusEvent,
  now: Date,
  truth: Truth | undefined,
): Promise<string> {
  // The fetched status wins unless it is less final than the signed report: the provider's API
  // can trail its own callbacks (still `sent` while the callback says `delivered`), and acting
  // on the lagging read would use up the report and lose the delivery.
  const { status, reason } =
    truth?.source === 'fetched' && rank(truth.status) >= rank(event.status)
      ? { status: truth.status, reason: truth.reason }
      : { status: event.status, reason: event.reason };
  const effect = await effectOf(trx, orgId, event)
    .forUpdate()
    .first('key', 'lease_id', 'type', 'delivery_status', 'payload', 'provider_message_id');
  if (!effect) return 'unknown_message';
  // A report names its effect in the callback URL and its message in the body: about another
  // message than the one this effect sent, it says nothing about this effect (a stale or
  // mis-addressed callback must not fail a delivered message and send the step again).
  if (
    effect.provider_message_id &&
    event.provider_message_id &&
    effect.provider_message_id !== event.provider_message_id
  )
    return 'message_mismatch';
  const result = await applyStatus(trx, orgId, effect, status, reason, now);
  // Where the status came from, when it is not simply what the report said: in the outcome and
  // in the audit trail.
  if (!truth || (truth.source === 'fetched' && truth.status === event.status)) return result;
  const note =
    truth.source === 'payload'
      ? `payload used: ${truth.why}`
      : status === truth.status
        ? `${truth.provider} says ${truth.status}, the report said ${event.status}`
        : `${truth.provider} still says ${truth.status}; the report's ${event.status} is more final`;
  await appendAudit(trx, {
    orgId,
    at: now,
    actor: 'system:webhook',
    action: truth.source === 'payload' || status === event.status ? 'webhook.report_used' : 'webhook.report_corrected',
    subjectType: 'inbound_event',
    subjectId: subject,
    data: {
      effect: effect.key,
      provider_message_id: event.provider_message_id,
      reported: event.status,
      acted_on: status,
      outcome: result,
      ...(truth.source === 'payload' ? { why: truth.why } : {}),
    },
  });
  return `${result} (${note})`;
}

async function applyStatus(
  trx: Trx,
  orgId: string,
  effect: {
    key: string;
    lease_id: string;
    type: string;
    delivery_status: string | null;
    payload: Record<string, unknown>;
  },
  status: DeliveryStatusEvent['status'],
  reason: string | undefined,
  now: Date,
): Promise<string> {
  if (rank(status) <= rank(effect.delivery_status)) return 'superseded';
  await trx('effects').where({ org_id: orgId, key: effect.key }).update({ delivery_status: status, updated_at: now });
  const ctx = await contextOf(trx, orgId, effect.lease_id, now);
  if (FAILED.has(status)) {
    await signals.recordDeliveryFailure(ctx, effect.type, undefined, {
      key: effect.key,
      reason: `${status}${reason ? `: ${reason}` : ''}`,
    });
    noteWork(trx, { kind: 'evaluate', orgId, leaseId: effect.lease_id, cause: 'delivery_failed' });
    return 'delivery_failed';
  }
  if (status === 'unsubscribed' || status === 'spam_report') {
    const recipients = (effect.payload.recipients as string[] | undefined) ?? [];
    await signals.recordOptOut(ctx, 'email', recipients);
    return 'opt_out';
  }
  return status;
}

/**
 * Records pushed by an accounting system go through the same idempotent ingest as the ledger
 * API, in this transaction: a re-delivered or overlapping batch writes nothing twice, and bad
 * records are kept with their reason. Touched leases are re-evaluated by the ingest itself.
 */
async function ledgerEvents(trx: Trx, db: Database, orgId: string, event: LedgerEventsEvent, now: Date) {
  const records = event.events.map((value, i) => ({ row: i + 1, value }));
  const ctx = { orgId, source: event.source, actor: `webhook:${event.provider}`, now };
  const result = await ingestChunk(trx, db, ctx, records);
  await recordRejections(trx, ctx, result.rejected, (row) => records[row - 1]?.value);
  return `inserted ${result.inserted}, duplicates ${result.duplicates}, rejected ${result.rejected.length}`;
}
