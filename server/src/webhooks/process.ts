import { classifyInbound } from '../compliance/guards/inbound-keywords.ts';
import type { Database, Trx } from '../db/database.ts';
import { noteWork } from '../db/outbox.ts';
import * as signals from '../escalation/signals.ts';
import { ingestChunk, recordRejections } from '../ledger/ingest.ts';
import type { DeliveryStatusEvent, InboundMessageEvent, LedgerEventsEvent } from './scheme.ts';

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

/**
 * Acts on one stored, verified webhook event, once: the row's `processed_at` is set in the same
 * transaction as everything the event causes, so a retried job finds it done.
 */
export async function processInboundEvent(
  db: Database,
  orgId: string,
  source: string,
  eventId: string,
  now: Date,
): Promise<string> {
  return db.withOrg(orgId, async (trx) => {
    const row = await trx('inbound_events')
      .where({ org_id: orgId, source, event_id: eventId })
      .forUpdate()
      .first('kind', 'payload', 'processed_at');
    if (!row) return 'missing';
    if (row.processed_at) return 'already_processed';
    const outcome =
      row.kind === 'inbound_message'
        ? await inboundMessage(trx, orgId, row.payload as InboundMessageEvent, now)
        : row.kind === 'ledger_events'
          ? await ledgerEvents(trx, db, orgId, row.payload as LedgerEventsEvent, now)
          : await deliveryStatus(trx, orgId, row.payload as DeliveryStatusEvent, now);
    await trx('inbound_events')
      .where({ org_id: orgId, source, event_id: eventId })
      .update({ processed_at: now, outcome });
    return outcome;
  });
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
  for (const leaseId of [...new Set(matches.map((m) => m.lease_id))]) {
    const ctx = await contextOf(trx, orgId, leaseId, now);
    const tenants = matches.filter((m) => m.lease_id === leaseId).map((m) => m.tenant_id);
    if (intent === 'opt_out') await signals.recordOptOut(ctx, event.channel, tenants);
    else if (intent === 'help') await signals.recordHelpRequest(ctx, event.channel, event.body);
    else await signals.recordConversation(ctx, `${event.channel}-reply`, 'tenant');
    noteWork(trx, { kind: 'evaluate', orgId, leaseId, cause: `inbound:${intent}` });
  }
  return intent;
}

/** A delivery report: recorded on the effect; a failure sends the step once on the next channel. */
async function deliveryStatus(trx: Trx, orgId: string, event: DeliveryStatusEvent, now: Date): Promise<string> {
  const query = trx('effects').where({ org_id: orgId });
  const effect = await (
    event.effect_key
      ? query.andWhere({ key: event.effect_key })
      : query.andWhere({ provider: event.provider, provider_message_id: event.provider_message_id })
  )
    .forUpdate()
    .first('key', 'lease_id', 'type', 'delivery_status', 'payload');
  if (!effect) return 'unknown_message';
  if (rank(event.status) <= rank(effect.delivery_status)) return 'superseded';
  await trx('effects')
    .where({ org_id: orgId, key: effect.key })
    .update({ delivery_status: event.status, updated_at: now });
  const ctx = await contextOf(trx, orgId, effect.lease_id, now);
  if (FAILED.has(event.status)) {
    await signals.recordDeliveryFailure(ctx, effect.type, undefined, {
      key: effect.key,
      reason: `${event.status}${event.reason ? `: ${event.reason}` : ''}`,
    });
    noteWork(trx, { kind: 'evaluate', orgId, leaseId: effect.lease_id, cause: 'delivery_failed' });
    return 'delivery_failed';
  }
  if (event.status === 'unsubscribed' || event.status === 'spam_report') {
    const recipients = (effect.payload.recipients as string[] | undefined) ?? [];
    await signals.recordOptOut(ctx, 'email', recipients);
    return 'opt_out';
  }
  return event.status;
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
