import type { NoticeKind } from '@arrears/shared';
import { FL_PARTIAL_RENT_AFTER_NOTICE } from '../compliance/rules/notices.ts';
import { ruleInEffect, ruleRef, type RuleVersion } from '../compliance/rules/index.ts';
import type { Trx } from '../db/database.ts';
import type { EffectCommand } from '../engine/effects.ts';
import type { Hold } from '../engine/facts.ts';
import { disputesInForce } from '../engine/holds.ts';
import { rentFirstOpenCharges, type LedgerCharge, type LedgerDispute, type LedgerMoney } from '../engine/rent-first.ts';
import { stillDemandedCents } from '../engine/notices.ts';
import { applyCommands } from './evaluate.ts';

export type PartialPaymentHandling = 'accept_with_receipt' | 'reject';

type PartialRentRule = RuleVersion<{ notices: readonly NoticeKind[] }>;

/**
 * Rules on rent accepted while a notice is running, by the pack their id names (`US-FL/…`):
 * only a lease in that jurisdiction, under one of the rule's own notices, is screened. A
 * California pay-or-quit is cured by paying what it demands and a partial payment simply posts.
 */
const PARTIAL_RENT_RULES: readonly PartialRentRule[] = [FL_PARTIAL_RENT_AFTER_NOTICE];

const packOf = (rule: PartialRentRule) => rule.id.slice(0, rule.id.indexOf('/'));

/** Jurisdictions where some partial-rent rule exists (ingest looks only at their leases). */
const JURISDICTIONS = [...new Set(PARTIAL_RENT_RULES.map(packOf))];
const NOTICES = [...new Set(PARTIAL_RENT_RULES.flatMap((rule) => rule.params.notices))];

/** The partial-rent rule in effect for a jurisdiction on a local day, if there is one. */
export function partialRentRule(jurisdiction: string, on: string): PartialRentRule | undefined {
  return ruleInEffect(
    PARTIAL_RENT_RULES.filter((rule) => packOf(rule) === jurisdiction),
    on,
  );
}

export interface ScreenedPayment {
  /** The payment's external id on the ledger (keys the decision: one decision per payment). */
  external_id: string;
  amount_cents: number;
  /**
   * Its ledger entry, when the money is already on the ledger: the accounting system received
   * it (an API call, a webhook, an import), so a refusal can no longer keep it out. Absent when
   * the payment is screened before it is posted (a scenario's payment, as a portal takes it).
   */
  entry_id?: number | string;
}

interface LedgerRow {
  id: number | string;
  kind: 'charge' | LedgerMoney['kind'];
  external_id: string;
  charge_type: LedgerCharge['charge_type'];
  due_on: string;
  effective_on: string;
  amount_cents: number | string;
  reverses: string | null;
  source: string;
}

/**
 * The lease's ledger as escalation reads it (rent-first, what the disputes in force cover carved
 * out, as escalation/facts.ts reads it), with or without one payment.
 */
function ledgerView(rows: readonly LedgerRow[], disputes: readonly LedgerDispute[], extra?: LedgerMoney) {
  const charges: LedgerCharge[] = [];
  const money: LedgerMoney[] = [];
  let balance = 0;
  for (const row of rows) {
    const amount = Number(row.amount_cents);
    if (row.kind === 'charge') {
      const { external_id, charge_type, due_on, effective_on } = row;
      charges.push({ seq: Number(row.id), external_id, charge_type, due_on, effective_on, amount_cents: amount });
    } else {
      money.push({
        seq: Number(row.id),
        external_id: row.external_id,
        kind: row.kind,
        amount_cents: amount,
        effective_on: row.effective_on,
        ...(row.reverses ? { reverses: row.reverses } : {}),
        ...(row.source === 'arrears' ? { source: 'arrears' as const } : {}),
      });
    }
    balance += row.kind === 'charge' || row.kind === 'reversal' ? amount : -amount;
  }
  if (extra) {
    money.push(extra);
    balance -= extra.amount_cents;
  }
  return { open: rentFirstOpenCharges(charges, money, disputes), balance };
}

/**
 * A payment that leaves part of what an open notice demands unpaid, where the law makes
 * accepting it matter: accepting partial rent after Florida's 3-day notice waives the default
 * unless the landlord gives a receipt or serves a new notice (Fla. Stat. 83.56(5)(a)). The org
 * chooses (`partial_payment_after_notice`):
 *
 * - `accept_with_receipt`: a receipt goes to the tenant, the notice is cancelled and stops
 *   gating the referral (cancelled too): a new notice is needed for what remains.
 * - `reject`: before the ledger (a scenario's payment, as a portal takes it) the payment is
 *   refused and not posted. Money already on the ledger cannot be refused: the accounting
 *   system received it. Then the refusal is recorded (blocked, the notice keeps running) with
 *   an agent task to return the payment under the org's policy; until it is returned, the
 *   landlord holds partial rent without a receipt.
 *
 * A payment that pays everything the notice still demands (after credits since it was served)
 * is not partial: it posts and the engine cures the notice. Every decision is an action in the
 * audit trail. Simulation and production share this function: the scenario runner calls it
 * before posting a payment when the org rejects (the refusal keeps it off the ledger), and
 * ingest calls it for every payment it puts on the ledger (`screenIngestedPayments`).
 * Returns false when the payment must not be posted.
 */
export async function screenPartialPayment(
  trx: Trx,
  orgId: string,
  leaseId: string,
  payment: ScreenedPayment,
  handling: PartialPaymentHandling,
  actor: string,
  now: Date,
): Promise<boolean> {
  const lease = await trx('leases as l')
    .join('properties as p', function () {
      this.on('p.org_id', 'l.org_id').andOn('p.id', 'l.property_id');
    })
    .where({ 'l.org_id': orgId, 'l.id': leaseId })
    .first<{ jurisdiction: string; timezone: string; today: string } | undefined>(
      'p.jurisdiction',
      'p.timezone',
      trx.raw(`to_char((cast(? as timestamptz) at time zone p.timezone)::date, 'YYYY-MM-DD') as today`, [
        now.toISOString(),
      ]),
    );
  const rule = lease && partialRentRule(lease.jurisdiction, lease.today);
  if (!lease || !rule) return true;
  const notice = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId, type: 'notice', status: 'sent' })
    .whereRaw(`payload->>'notice' = any(?)`, [[...rule.params.notices]])
    .orderBy('seq', 'desc')
    .first<{ key: string; payload: Record<string, unknown> } | undefined>('key', 'payload');
  // A notice records the charges it demands (engine/notices.ts); one that names none cannot be
  // cured by the engine either, and is left to people.
  const charges = (notice?.payload.charges as string[] | undefined) ?? [];
  if (!notice || charges.length === 0) return true;

  const rows = await trx('ledger_entries as e')
    .leftJoin('ledger_entries as r', 'r.id', 'e.reverses_id')
    .where({ 'e.org_id': orgId, 'e.lease_id': leaseId })
    .orderBy('e.id')
    .select<LedgerRow[]>(
      'e.id',
      'e.kind',
      'e.external_id',
      'e.charge_type',
      trx.raw(`to_char(e.due_on, 'YYYY-MM-DD') as due_on`),
      trx.raw(`to_char(e.effective_on, 'YYYY-MM-DD') as effective_on`),
      'e.amount_cents',
      'r.external_id as reverses',
      'e.source',
    );
  // The disputes in force, as the engine's facts take them (escalation/facts.ts): entered on the
  // local day the hold was recorded.
  const holds = await trx('holds')
    .where({ org_id: orgId, lease_id: leaseId, kind: 'dispute' })
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .select<Record<string, unknown>[]>(
      'id',
      'kind',
      'status',
      'terms',
      'created_by',
      trx.raw(`to_char(starts_on, 'YYYY-MM-DD') as starts_on`),
      trx.raw(`to_char(ends_on, 'YYYY-MM-DD') as ends_on`),
      trx.raw(`to_char((created_at at time zone ?)::date, 'YYYY-MM-DD') as recorded_on`, [lease.timezone]),
    );
  const disputes = disputesInForce(
    holds.map((h): Hold => ({
      id: String(h.id),
      kind: h.kind as Hold['kind'],
      status: h.status as Hold['status'],
      starts_on: h.starts_on as string,
      ends_on: (h.ends_on as string | null) ?? null,
      recorded_on: h.recorded_on as string,
      terms: h.terms as Hold['terms'],
      created_by: String(h.created_by),
    })),
    lease.today,
  );
  const received = payment.entry_id !== undefined;
  const isPayment = (row: LedgerRow) => received && String(row.id) === String(payment.entry_id);
  const effective = rows.filter((row) => row.effective_on <= lease.today || isPayment(row));
  const before = ledgerView(
    effective.filter((row) => !isPayment(row)),
    disputes,
  );
  const after = received
    ? ledgerView(effective, disputes)
    : ledgerView(effective, disputes, {
        seq: Number.MAX_SAFE_INTEGER,
        external_id: payment.external_id,
        kind: 'payment',
        amount_cents: payment.amount_cents,
        effective_on: lease.today,
      });
  // Nothing left to demand before it, or nothing after it: not a partial payment of the notice.
  if (stillDemandedCents(notice.payload, before.open) === 0 || stillDemandedCents(notice.payload, after.open) === 0)
    return true;

  const key = `${leaseId}:payment:${payment.external_id}`;
  const base = { due_at: now, rule: ruleRef(rule), drafted_by: actor };
  const detail = { amount_cents: payment.amount_cents, notice_id: notice.key, payment: payment.external_id };
  const refusal: EffectCommand = {
    op: 'create',
    effect: {
      ...base,
      key: `${key}:refused`,
      type: 'payment_refused',
      status: 'blocked',
      reason: 'partial_payment_while_notice_open',
      payload: { ...detail, ...(received ? { received: true } : {}) },
    },
  };
  if (handling === 'reject' && !received) {
    await applyCommands(trx, orgId, leaseId, null, [refusal], actor, now);
    return false;
  }
  if (handling === 'reject') {
    const task: EffectCommand = {
      op: 'create',
      effect: {
        ...base,
        key: `${key}:return`,
        type: 'task',
        status: 'scheduled',
        payload: { ...detail, template: 'return-partial-payment', purpose: 'return_partial_payment' },
      },
    };
    await applyCommands(trx, orgId, leaseId, null, [refusal, task], actor, now);
    return true;
  }
  const referrals = await trx('effects')
    .where({ org_id: orgId, lease_id: leaseId })
    .whereIn('status', ['scheduled', 'awaiting_approval'])
    .whereRaw(`payload->>'after_notice' = ?`, [notice.key])
    .pluck('key');
  const regated = 'partial_payment_accepted_new_notice_required';
  await applyCommands(
    trx,
    orgId,
    leaseId,
    null,
    [
      {
        op: 'create',
        effect: {
          ...base,
          key: `${key}:receipt`,
          type: 'receipt',
          status: 'scheduled',
          payload: { ...detail, template: 'partial-payment-receipt', balance_after_cents: after.balance },
        },
      },
      { op: 'update', key: notice.key, status: 'cancelled', reason: regated },
      ...referrals.map((k: string) => ({
        op: 'update' as const,
        key: k,
        status: 'cancelled' as const,
        reason: regated,
      })),
    ],
    actor,
    now,
  );
  return true;
}

/**
 * Screens every payment one ingest chunk inserted (the staged chunk of ledger/ingest.ts, in the
 * ingest transaction, so the decision commits with the payment): the HTTP API, the signed
 * accounting webhook, `arrears import` and a scenario's payments all come through here. One
 * statement finds the few payments that can matter — on a lease in a jurisdiction with a
 * partial-rent rule that has one of its notices running — so a chunk without any costs one
 * query. Payments are screened in the order they came.
 */
export async function screenIngestedPayments(
  trx: Trx,
  ctx: { orgId: string; actor: string; now: Date },
): Promise<void> {
  const found = await trx.raw<{
    rows: {
      lease_id: string;
      external_id: string;
      amount_cents: number | string;
      entry_id: number | string;
      handling: string | null;
    }[];
  }>(
    `select s.lease_id, s.external_id, s.amount_cents, s.entry_id,
            o.settings->>'partial_payment_after_notice' as handling
     from ledger_stage s
     join leases l on l.org_id = :org and l.id = s.lease_id
     join properties p on p.org_id = l.org_id and p.id = l.property_id
     join orgs o on o.org_id = l.org_id
     where s.status = 'inserted' and s.kind = 'payment' and p.jurisdiction = any(cast(:jurisdictions as text[]))
       and exists (select 1 from effects e
                   where e.org_id = :org and e.lease_id = s.lease_id and e.type = 'notice' and e.status = 'sent'
                     and e.payload->>'notice' = any(cast(:notices as text[])))
     order by s.row_no`,
    { org: ctx.orgId, jurisdictions: JURISDICTIONS, notices: NOTICES },
  );
  for (const row of found.rows)
    await screenPartialPayment(
      trx,
      ctx.orgId,
      row.lease_id,
      { external_id: row.external_id, amount_cents: Number(row.amount_cents), entry_id: row.entry_id },
      // As the engine reads the setting (escalation/facts.ts): anything but `reject` accepts.
      row.handling === 'reject' ? 'reject' : 'accept_with_receipt',
      ctx.actor,
      ctx.now,
    );
}
