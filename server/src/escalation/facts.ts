import type { LateFeeTerms } from '@arrears/shared';
import type { Trx } from '../db/database.ts';
import type { Hold, KnownEffect, LeaseFacts } from '../engine/facts.ts';
import { openCharges } from '../ledger/open-charges.ts';
import { localDate } from '../time/zoned.ts';

/** Reads everything the engine may use about one lease at `now`, inside the caller's org transaction. */
export async function loadFacts(trx: Trx, orgId: string, leaseId: string, now: Date): Promise<LeaseFacts> {
  const row = await trx('leases as l')
    .join('properties as p', function () {
      this.on('p.org_id', 'l.org_id').andOn('p.id', 'l.property_id');
    })
    .join('orgs as o', 'o.org_id', 'l.org_id')
    .where({ 'l.org_id': orgId, 'l.id': leaseId })
    .first(
      'l.*',
      'p.jurisdiction',
      'p.timezone',
      'p.units',
      'p.cares_covered',
      'p.late_fee as property_late_fee',
      'o.settings as org_settings',
    );
  if (!row) throw new Error(`lease ${leaseId} not found`);
  const today = localDate(now, row.timezone);
  // One connection per transaction: the reads run one after another.
  const charges = await openCharges(trx, orgId, leaseId, today);
  const totals = await trx.raw<{ rows: { balance: number | null }[] }>(
    `select sum(case kind when 'charge' then amount_cents when 'reversal' then amount_cents else -amount_cents end)::int8 as balance
       from ledger_entries where org_id = ? and lease_id = ? and effective_on <= ?::date`,
    [orgId, leaseId, today],
  );
  const credits = await trx.raw<{ rows: LeaseFacts['credits'] }>(
    `select e.external_id, e.kind, e.amount_cents, to_char(e.effective_on, 'YYYY-MM-DD') as effective_on,
              r.external_id as reverses, e.memo as reason
       from ledger_entries e left join ledger_entries r on r.id = e.reverses_id
       where e.org_id = ? and e.lease_id = ? and e.kind <> 'charge' and e.effective_on <= ?::date
       order by e.effective_on, e.id`,
    [orgId, leaseId, today],
  );
  const tenants = await trx('lease_tenants as lt')
    .join('tenants as t', function () {
      this.on('t.org_id', 'lt.org_id').andOn('t.id', 'lt.tenant_id');
    })
    .where({ 'lt.org_id': orgId, 'lt.lease_id': leaseId })
    .orderBy('lt.tenant_id')
    .select('t.id', 't.kind as type', 'lt.role');
  const holds = await trx('holds').where({ org_id: orgId, lease_id: leaseId }).orderBy('created_at').orderBy('id');
  const contact = await loadContact(trx, orgId, leaseId);

  const open = charges.map((c) => ({
    external_id: c.external_id,
    charge_type: c.charge_type,
    due_on: c.due_on,
    amount_cents: c.amount_cents,
    open_cents: c.open_cents,
  }));
  const balance = Number(totals.rows[0]?.balance ?? 0);
  const openTotal = open.reduce((sum, c) => sum + c.open_cents, 0);
  const settings = (row.org_settings ?? {}) as Record<string, unknown>;
  return {
    org: {
      reg_f_for_all: settings.reg_f_for_all === true,
      fee_review: settings.fee_review === true,
      partial_payment_after_notice:
        settings.partial_payment_after_notice === 'reject' ? 'reject' : 'accept_with_receipt',
    },
    property: {
      id: row.property_id,
      jurisdiction: row.jurisdiction,
      timezone: row.timezone,
      units: row.units,
      cares_covered: row.cares_covered && !row.cares_flag_removed_on,
      late_fee: (row.property_late_fee as LateFeeTerms | null) ?? null,
    },
    lease: {
      id: row.id,
      kind: row.kind,
      rent_cents: Number(row.rent_cents),
      due_day: row.due_day,
      grace_days: row.grace_days,
      late_fee: (row.late_fee as LateFeeTerms | null) ?? null,
      collector: row.collector,
      segment: row.segment,
      cure_days: row.cure_days,
      autopay: row.autopay,
      status: row.status,
      moved_out_on: row.moved_out_on,
    },
    tenants,
    today,
    open_charges: open,
    credits: credits.rows.map((c) => ({
      ...c,
      amount_cents: Number(c.amount_cents),
      reverses: c.reverses ?? undefined,
      reason: c.reason ?? undefined,
    })),
    balance_cents: balance,
    unapplied_credit_cents: Math.max(0, openTotal - balance),
    holds: holds.map((h): Hold => ({
      id: h.id,
      kind: h.kind,
      status: h.status,
      starts_on: h.starts_on,
      ends_on: h.ends_on,
      terms: h.terms,
      created_by: h.created_by,
    })),
    contact,
  };
}

async function loadContact(trx: Trx, orgId: string, leaseId: string): Promise<LeaseFacts['contact']> {
  const primary = await trx('lease_tenants as lt')
    .join('tenants as t', function () {
      this.on('t.org_id', 'lt.org_id').andOn('t.id', 'lt.tenant_id');
    })
    .where({ 'lt.org_id': orgId, 'lt.lease_id': leaseId })
    .orderByRaw(`case lt.role when 'billing_contact' then 0 when 'primary' then 1 else 2 end`)
    .orderBy('t.id')
    .first('t.id', 't.phone_timezone');
  const consents = primary
    ? await trx('tenant_consents')
        .where({ org_id: orgId, tenant_id: primary.id })
        .select('channel', 'granted', 'source', 'changed_at')
    : [];
  const granted = (channel: string) => consents.some((c) => c.channel === channel && c.granted);
  const calls = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId, type: 'call', status: 'sent' })
    .orderBy('updated_at')
    .pluck('updated_at');
  const events = await trx('case_events')
    .where({ org_id: orgId, case_id: leaseId })
    .where('type', 'conversation')
    .select('type', 'at');
  const confirmations = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId, type: 'sms', status: 'sent' })
    .whereRaw(`payload->>'purpose' = 'opt_out_confirmation'`)
    .count({ count: '*' });
  return {
    phone_timezone: primary?.phone_timezone ?? null,
    consents: {
      email: granted('email') || !consents.some((c) => c.channel === 'email'),
      sms: granted('sms'),
      voice: granted('voice'),
    },
    revoked: consents
      .filter((c) => !c.granted && c.source.startsWith('revoked'))
      .map((c) => ({ channel: c.channel, at: new Date(c.changed_at).toISOString() })),
    call_attempts: calls.map((at: Date | string) => new Date(at).toISOString()),
    conversations: events.map((e) => new Date(e.at).toISOString()),
    opt_out_confirmations: Number(confirmations[0]?.count ?? 0),
  };
}

export async function loadKnownEffects(trx: Trx, orgId: string, leaseId: string): Promise<KnownEffect[]> {
  const rows = await trx('effects').where({ org_id: orgId, lease_id: leaseId }).orderBy('seq');
  return rows.map(toKnownEffect);
}

export function toKnownEffect(row: Record<string, unknown>): KnownEffect {
  return {
    key: row.key as string,
    type: row.type as string,
    status: row.status as string,
    step_id: (row.step_id as string | null) ?? null,
    anchor_due_on: (row.anchor_due_on as string | null) ?? null,
    request_id: (row.request_id as string | null) ?? null,
    drafted_by: (row.drafted_by as string | null) ?? null,
    due_at: new Date(row.due_at as string).toISOString(),
    payload: (row.payload ?? {}) as Record<string, unknown>,
  };
}
