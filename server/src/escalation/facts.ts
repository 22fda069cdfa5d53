import { fillPaymentUrl, OrgSettings, type LateFeeTerms } from '@arrears/shared';
import type { Trx } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import { localDate } from '../time/zoned.ts';
import type { Hold, KnownEffect, LeaseFacts } from '../engine/facts.ts';
import { disputesInForce } from '../engine/holds.ts';
import { rentFirstOpenCharges, type LedgerCharge } from '../engine/rent-first.ts';
import { contactCardsOf, type ContactCard } from './delivery.ts';

export interface LeaseContext {
  facts: LeaseFacts;
  /** The lease's action ledger so far, oldest first. */
  known: KnownEffect[];
  /** The lease's case track row, when it has one. */
  track: { policy_id: string | null; policy_version: number | null; state: unknown } | null;
  /** `orgs.settings` as stored, read in the same snapshot (the runner's knobs live there). */
  orgSettings: Record<string, unknown>;
  /** How each of the lease's tenants is reached (dispatch addresses its recipients from these). */
  cards: ContactCard[];
}

/**
 * Everything the engine may use about a set of leases at `now`, read in ONE statement (one
 * snapshot, one round trip: on embedded PGlite each round trip costs a millisecond or more, and
 * the evaluation path runs this for every lease every day; the runner reads a whole batch's
 * leases at once). The local day is each lease's property's. Every subquery is correlated on
 * the lease row (`l.id`, a parameter inside it), never a join to the `l` CTE: the CTE is
 * materialised, and with stale planner statistics (a ledger that just grew) a join condition
 * on it was not used as an index condition, so each evaluation read the org's whole ledger.
 * For the same reason no EXISTS: with a few leases PostgreSQL may run one as a hashed subplan
 * over every contact point of the org (3× the cost of the whole read at 50 leases of 8,000); an
 * aggregate per tenant cannot be hashed.
 */
/** What an evaluation writes (holds, effects, the case track): read alike by both statements below. */
/**
 * A lease's holds, and the bankruptcy and deceased holds of its tenants' other leases: the
 * automatic stay protects the debtor (11 U.S.C. 362), not one lease, and a deceased person is
 * not contacted about any of them. Tenants count as parties (primary, co-tenant) on both leases.
 */
const HOLDS_SQL = `(select coalesce(jsonb_agg(h order by h.created_at, h.id), '[]') from (
       select h.* from holds h where h.org_id = :org and h.lease_id = l.id
       union
       select h.* from lease_tenants b
       join lease_tenants a on a.org_id = b.org_id and a.tenant_id = b.tenant_id and a.lease_id <> b.lease_id
         and a.role in ('primary', 'co_tenant')
       join holds h on h.org_id = a.org_id and h.lease_id = a.lease_id and h.kind in ('bankruptcy', 'deceased')
       where b.org_id = :org and b.lease_id = l.id and b.role in ('primary', 'co_tenant')) h) as holds`;
const EFFECTS_SQL = `(select coalesce(jsonb_agg(e order by e.seq), '[]') from effects e
     where e.org_id = :org and e.lease_id = l.id) as effects`;
const TRACK_SQL = `(select to_jsonb(c) from cases c where c.org_id = :org and c.id = l.id) as track`;

const CONTEXT_SQL = `
with l as (
  select l.*, p.name as property_name, o.name as org_name, p.jurisdiction, p.timezone, p.units, p.cares_covered, p.late_fee as property_late_fee,
         o.settings as org_settings, (cast(:now as timestamptz) at time zone p.timezone)::date as today
  from leases l
  join properties p on p.org_id = l.org_id and p.id = l.property_id
  join orgs o on o.org_id = l.org_id
  where l.org_id = :org and l.id = any(cast(:leases as text[]))
)
select
  l.id as lease_id,
  to_jsonb(l) as lease,
  ledger.charges,
  ledger.balance,
  ledger.credits,
  (select coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'type', t.kind, 'role', lt.role,
     -- A person under a bankruptcy stay or deceased (on a lease they are a party to) is written to
     -- about none of their obligations, a guaranty on this lease included.
     'stayed', exists (select 1 from lease_tenants a
                       join holds h on h.org_id = a.org_id and h.lease_id = a.lease_id
                         and h.kind in ('bankruptcy', 'deceased') and h.status = 'active'
                         and h.starts_on <= l.today and (h.ends_on is null or h.ends_on >= l.today)
                       where a.org_id = :org and a.tenant_id = t.id and a.role in ('primary', 'co_tenant')))
     order by lt.tenant_id), '[]')
     from lease_tenants lt
     join tenants t on t.org_id = lt.org_id and t.id = lt.tenant_id
     where lt.org_id = :org and lt.lease_id = l.id) as tenants,
  (select coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name, 'language', t.language, 'channel', c.channel, 'value', c.value)
                             order by t.id, c.is_primary desc, c.value), '[]')
     from lease_tenants lt
     join tenants t on t.org_id = lt.org_id and t.id = lt.tenant_id
     left join contact_points c on c.org_id = t.org_id and c.tenant_id = t.id
     where lt.org_id = :org and lt.lease_id = l.id) as cards,
  ${HOLDS_SQL},
  case when contact.id is null then null else to_jsonb(contact) || (
     select jsonb_build_object('email', coalesce(bool_or(cp.channel = 'email'), false),
                               'phone', coalesce(bool_or(cp.channel = 'phone'), false))
     from contact_points cp where cp.org_id = :org and cp.tenant_id = contact.id)
  end as contact,
  (select coalesce(jsonb_agg(jsonb_build_object('channel', c.channel, 'granted', c.granted, 'source', c.source,
                                                'changed_at', c.changed_at)), '[]')
     from tenant_consents c where c.org_id = :org and c.tenant_id = contact.id) as consents,
  ${EFFECTS_SQL},
  (select coalesce(jsonb_agg(ce.at order by ce.at), '[]') from case_events ce
     where ce.org_id = :org and ce.case_id = l.id and ce.type = 'conversation') as conversations,
  ${TRACK_SQL},
  ledger.next_entry_on,
  ledger.posted_rent_due,
  ledger.fees_elsewhere
from l
-- The lease's ledger, read once for everything the engine takes from it.
cross join lateral (
  select
    coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'external_id', e.external_id, 'charge_type', e.charge_type,
                                          'due_on', to_char(e.due_on, 'YYYY-MM-DD'),
                                          'effective_on', to_char(e.effective_on, 'YYYY-MM-DD'),
                                          'amount_cents', e.amount_cents) order by e.id)
               filter (where e.kind = 'charge' and e.effective_on <= l.today), '[]') as charges,
    coalesce(sum(case e.kind when 'charge' then e.amount_cents when 'reversal' then e.amount_cents
                             else -e.amount_cents end) filter (where e.effective_on <= l.today), 0)::int8 as balance,
    coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'external_id', e.external_id, 'kind', e.kind,
                                          'amount_cents', e.amount_cents,
                                          'effective_on', to_char(e.effective_on, 'YYYY-MM-DD'),
                                          'reverses', r.external_id, 'reason', e.memo, 'source', e.source)
                       order by e.effective_on, e.id)
               filter (where e.kind <> 'charge' and e.effective_on <= l.today), '[]') as credits,
    to_char(min(e.effective_on) filter (where e.effective_on > l.today), 'YYYY-MM-DD') as next_entry_on,
    coalesce(jsonb_agg(distinct to_char(e.due_on, 'YYYY-MM-DD'))
               filter (where e.kind = 'charge' and e.charge_type = 'rent' and e.due_on >= l.today), '[]')
      as posted_rent_due,
    -- Late fees the accounting system charged itself (any source but Arrears' own postings).
    coalesce(jsonb_agg(jsonb_build_object('due_on', to_char(e.due_on, 'YYYY-MM-DD'), 'amount_cents', e.amount_cents))
               filter (where e.kind = 'charge' and e.charge_type = 'late_fee' and e.source <> 'arrears'
                         and e.effective_on <= l.today), '[]') as fees_elsewhere
  from ledger_entries e
  left join ledger_entries r on r.id = e.reverses_id
  where e.org_id = :org and e.lease_id = l.id
) ledger
left join lateral (
  select t.id, t.phone_timezone from lease_tenants lt
  join tenants t on t.org_id = lt.org_id and t.id = lt.tenant_id
  where lt.org_id = :org and lt.lease_id = l.id
  order by case lt.role when 'billing_contact' then 0 when 'primary' then 1 else 2 end, t.id
  limit 1
) contact on true
`;

interface ContextRow {
  lease_id: string;
  lease: Record<string, unknown>;
  charges: (Omit<LedgerCharge, 'seq' | 'amount_cents'> & { id: number | string; amount_cents: number | string })[];
  balance: number | string;
  credits: (Omit<LeaseFacts['credits'][number], 'source'> & {
    id: number | string;
    reverses: string | null;
    reason: string | null;
    source: string;
  })[];
  tenants: LeaseFacts['tenants'];
  cards: { id: string; name: string; language?: string; channel: string | null; value: string | null }[];
  holds: Record<string, unknown>[];
  contact: { id: string; phone_timezone: string | null; email: boolean; phone: boolean } | null;
  consents: { channel: string; granted: boolean; source: string; changed_at: string }[];
  effects: Record<string, unknown>[];
  conversations: string[];
  track: { policy_id: string | null; policy_version: number | null; state: unknown } | null;
  next_entry_on: string | null;
  posted_rent_due: string[];
  fees_elsewhere: { due_on: string; amount_cents: number | string }[];
}

export async function loadLeaseContext(trx: Trx, orgId: string, leaseId: string, now: Date): Promise<LeaseContext> {
  const context = (await loadLeaseContexts(trx, orgId, [leaseId], now)).get(leaseId);
  if (!context) throw new Error(`lease ${leaseId} not found`);
  return context;
}

/** `loadLeaseContext` for many leases in one statement; a lease that does not exist is absent. */
export async function loadLeaseContexts(
  trx: Trx,
  orgId: string,
  leaseIds: readonly string[],
  now: Date,
): Promise<Map<string, LeaseContext>> {
  const result = await prepared(
    trx,
    'arrears_lease_contexts_v9',
    trx.raw<{ rows: ContextRow[] }>(CONTEXT_SQL, { now: now.toISOString(), org: orgId, leases: [...leaseIds] }),
  );
  return new Map(result.rows.map((row) => [row.lease_id, toLeaseContext(row)]));
}

/** The rows each context was built from: a refresh re-reads only what an evaluation writes. */
const rowsOf = new WeakMap<LeaseContext, ContextRow>();

/**
 * What an evaluation writes, for the leases of `contexts`: their holds, effects and case track
 * (`refreshLeaseContexts`). Nothing else of a lease's context changes when it is evaluated.
 */
const REFRESH_SQL = `
select l.id as lease_id, ${HOLDS_SQL}, ${EFFECTS_SQL}, ${TRACK_SQL}
from unnest(cast(:leases as text[])) as l(id)
`;

/**
 * Contexts read by `loadLeaseContexts` at `now` in this transaction, brought up to date after
 * the leases were evaluated in it (and nothing else was written for them): the parts an
 * evaluation writes are read again, in one statement, and the rest is kept. Exactly what
 * `loadLeaseContexts` would read now (escalation/dispatch-due.test.ts compares the two); a
 * context that was not read by it is left out (read it in full).
 */
export async function refreshLeaseContexts(
  trx: Trx,
  orgId: string,
  contexts: ReadonlyMap<string, LeaseContext>,
): Promise<Map<string, LeaseContext>> {
  const known = [...contexts].filter(([, context]) => rowsOf.has(context));
  if (known.length === 0) return new Map();
  const result = await prepared(
    trx,
    'arrears_lease_context_refresh_v2',
    trx.raw<{ rows: Pick<ContextRow, 'lease_id' | 'holds' | 'effects' | 'track'>[] }>(REFRESH_SQL, {
      org: orgId,
      leases: known.map(([id]) => id),
    }),
  );
  const fresh = new Map(result.rows.map((row) => [row.lease_id, row]));
  const out = new Map<string, LeaseContext>();
  for (const [id, context] of known) {
    const update = fresh.get(id)!;
    out.set(
      id,
      toLeaseContext({ ...rowsOf.get(context)!, holds: update.holds, effects: update.effects, track: update.track }),
    );
  }
  return out;
}

function toLeaseContext(row: ContextRow): LeaseContext {
  const l = row.lease;
  const known = row.effects.map(toKnownEffect);
  const balance = Number(row.balance);
  const credits: LeaseFacts['credits'] = row.credits.map((c) => ({
    external_id: c.external_id,
    kind: c.kind,
    amount_cents: Number(c.amount_cents),
    effective_on: c.effective_on,
    ...(c.reverses ? { reverses: c.reverses } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.source === 'arrears' ? { source: 'arrears' as const } : {}),
  }));
  const holds = row.holds.map((h): Hold => ({
    id: h.id as string,
    kind: h.kind as Hold['kind'],
    status: h.status as Hold['status'],
    starts_on: h.starts_on as string,
    ends_on: (h.ends_on as string | null) ?? null,
    recorded_on: localDate(new Date(h.created_at as string), l.timezone as string),
    ...(h.closed_at ? { ended_at: new Date(h.closed_at as string).toISOString() } : {}),
    terms: h.terms as Hold['terms'],
    created_by: h.created_by as string,
  }));
  // Escalation reads the ledger rent-first (engine/rent-first.ts), not in its allocation order,
  // with what the disputes in force cover carved out (engine/holds.ts).
  const openCharges = rentFirstOpenCharges(
    row.charges.map((c) => ({ ...c, seq: Number(c.id), amount_cents: Number(c.amount_cents) })),
    credits.map((c, i) => ({ ...c, seq: Number(row.credits[i]!.id) })),
    disputesInForce(holds, l.today as string),
  );
  const openTotal = openCharges.reduce((sum, c) => sum + c.open_cents, 0);
  const settings = (l.org_settings ?? {}) as Record<string, unknown>;
  const granted = (channel: string) => row.consents.some((c) => c.channel === channel && c.granted);
  const facts: LeaseFacts = {
    org: {
      reg_f_for_all: settings.reg_f_for_all === true,
      fee_review: settings.fee_review === true,
      partial_payment_after_notice:
        settings.partial_payment_after_notice === 'reject' ? 'reject' : 'accept_with_receipt',
      consolidate_contacts: settings.consolidate_contacts === true,
      name: l.org_name as string,
      payment_url: paymentUrlOf(settings.payment_url, l.org_id as string),
    },
    property: {
      id: l.property_id as string,
      jurisdiction: l.jurisdiction as string,
      timezone: l.timezone as string,
      units: l.units as number,
      cares_covered: (l.cares_covered as boolean) && !l.cares_flag_removed_on,
      late_fee: (l.property_late_fee as LateFeeTerms | null) ?? null,
      name: l.property_name as string,
    },
    lease: {
      id: l.id as string,
      kind: l.kind as LeaseFacts['lease']['kind'],
      rent_cents: Number(l.rent_cents),
      due_day: l.due_day as number,
      grace_days: l.grace_days as number,
      late_fee: (l.late_fee as LateFeeTerms | null) ?? null,
      collector: l.collector as LeaseFacts['lease']['collector'],
      segment: (l.segment as string | null) ?? null,
      cure_days: (l.cure_days as number | null) ?? null,
      autopay: l.autopay as boolean,
      status: l.status as string,
      moved_out_on: (l.moved_out_on as string | null) ?? null,
    },
    tenants: row.tenants,
    today: l.today as string,
    open_charges: openCharges,
    credits,
    balance_cents: balance,
    next_entry_on: row.next_entry_on,
    posted_rent_due: row.posted_rent_due,
    fees_charged_elsewhere: feePeriods(row.fees_elsewhere, row.charges),
    unapplied_credit_cents: Math.max(0, openTotal - balance),
    holds,
    contact: {
      phone_timezone: row.contact?.phone_timezone ?? null,
      reachable: { email: row.contact?.email ?? false, phone: row.contact?.phone ?? false },
      consents: {
        email: granted('email') || !row.consents.some((c) => c.channel === 'email'),
        sms: granted('sms'),
        voice: granted('voice'),
      },
      revoked: row.consents
        .filter((c) => !c.granted && c.source.startsWith('revoked'))
        .map((c) => ({ channel: c.channel, at: new Date(c.changed_at).toISOString() })),
      call_attempts: known.filter((e) => e.type === 'call' && e.status === 'sent').map((e) => e.sent_at ?? e.due_at),
      conversations: row.conversations.map((at) => new Date(at).toISOString()),
      opt_out_confirmations: known.filter(
        (e) => e.type === 'sms' && e.status === 'sent' && e.payload.purpose === 'opt_out_confirmation',
      ).length,
    },
  };
  const context = { facts, known, track: row.track, orgSettings: settings, cards: contactCardsOf(row.cards) };
  rowsOf.set(context, row);
  return context;
}

/** The facts alone (dispatch, reports). */
export async function loadFacts(trx: Trx, orgId: string, leaseId: string, now: Date): Promise<LeaseFacts> {
  return (await loadLeaseContext(trx, orgId, leaseId, now)).facts;
}

export async function loadKnownEffects(trx: Trx, orgId: string, leaseId: string): Promise<KnownEffect[]> {
  const rows = await trx('effects').where({ org_id: orgId, lease_id: leaseId }).orderBy('seq');
  return rows.map(toKnownEffect);
}

export function toKnownEffect(row: Record<string, unknown>): KnownEffect & { sent_at?: string } {
  return {
    key: row.key as string,
    type: row.type as string,
    status: row.status as string,
    step_id: (row.step_id as string | null) ?? null,
    anchor_due_on: (row.anchor_due_on as string | null) ?? null,
    request_id: (row.request_id as string | null) ?? null,
    drafted_by: (row.drafted_by as string | null) ?? null,
    due_at: new Date(row.due_at as string).toISOString(),
    reason: (row.reason as string | null) ?? null,
    payload: (row.payload ?? {}) as Record<string, unknown>,
    ...(row.updated_at ? { sent_at: new Date(row.updated_at as string).toISOString() } : {}),
  };
}

/**
 * The late fees the accounting system charged itself, per rent period: each belongs to the latest
 * rent due on or before its own due date. Arrears posts no fee of its own for those periods — one
 * fee per period, whoever charges it — and watches their total against the cap.
 */
function feePeriods(
  fees: ContextRow['fees_elsewhere'],
  charges: ContextRow['charges'],
): NonNullable<LeaseFacts['fees_charged_elsewhere']> {
  if (fees.length === 0) return [];
  const rentDues = [...new Set(charges.filter((c) => c.charge_type === 'rent').map((c) => c.due_on))].sort();
  const byPeriod = new Map<string, number>();
  for (const fee of fees) {
    let period: string | undefined;
    for (const rent of rentDues) if (rent <= fee.due_on) period = rent;
    if (period) byPeriod.set(period, (byPeriod.get(period) ?? 0) + Number(fee.amount_cents));
  }
  return [...byPeriod]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([period_due_on, amount_cents]) => ({ period_due_on, amount_cents }));
}

/**
 * The org's payment URL for its messages, `{org_id}` filled in. A stored value that no longer
 * validates (a hand edit) gives no link rather than a broken one in a tenant's message.
 */
function paymentUrlOf(stored: unknown, orgId: string): string | null {
  const parsed = OrgSettings.shape.payment_url.safeParse(stored ?? null);
  return parsed.success && parsed.data ? fillPaymentUrl(parsed.data, { org_id: orgId }) : null;
}
