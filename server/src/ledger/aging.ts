import type { LeaseAging } from '@arrears/shared';
import type { Knex } from 'knex';
import type { Trx } from '../db/database.ts';

/** "As of" a calendar day everywhere, or an instant read as each property's local day. */
export type AsOf = { date: string } | { instant: Date };

/**
 * Balances, days past due of the oldest unpaid charge and aging buckets for every lease of
 * an org (or the given ones), as of any day, in one set-based statement: one pass over the
 * allocations, one over the ledger, hash-joined and grouped by lease. A charge's open amount
 * as of D is its amount minus the allocations applied on or before D, so a reversed payment
 * (negative allocations dated on the reversal) re-opens exactly the charges it had paid.
 */
export function leaseAgingQuery(
  orgId: string,
  asOf: AsOf,
  leaseIds?: readonly string[],
): { sql: string; bindings: Knex.RawBinding[] } {
  const date = 'date' in asOf ? asOf.date : null;
  const instant = 'instant' in asOf ? asOf.instant : null;
  const leaseFilter = leaseIds ? 'and le.id = any(?::text[])' : '';
  const sql = `
    with asof as (
      select le.id as lease_id, le.property_id,
             coalesce(?::date, (?::timestamptz at time zone p.timezone)::date) as d
      from leases le join properties p on p.org_id = le.org_id and p.id = le.property_id
      where le.org_id = ? ${leaseFilter}),
    paid as (
      select a.charge_id, sum(a.amount_cents) as paid
      from allocations a join asof on asof.lease_id = a.lease_id
      where a.org_id = ? and a.applied_on <= asof.d
      group by a.charge_id),
    entries as (
      select e.lease_id, asof.d, e.kind, e.amount_cents, e.due_on,
             case when e.kind = 'charge' then e.amount_cents - coalesce(paid.paid, 0) end as open
      from ledger_entries e join asof on asof.lease_id = e.lease_id
      left join paid on paid.charge_id = e.id
      where e.org_id = ? and e.effective_on <= asof.d)
    select asof.lease_id, asof.property_id, to_char(asof.d, 'YYYY-MM-DD') as as_of,
      coalesce(sum(case when x.kind in ('charge', 'reversal') then x.amount_cents else -x.amount_cents end), 0)::int8 as balance_cents,
      coalesce(sum(x.open) filter (where x.open > 0 and x.due_on <= x.d), 0)::int8 as past_due_cents,
      coalesce(sum(x.open) filter (where x.open > 0), 0)::int8 as open_cents,
      count(*) filter (where x.open > 0)::int8 as open_charges,
      to_char(min(x.due_on) filter (where x.open > 0 and x.due_on <= x.d), 'YYYY-MM-DD') as oldest_unpaid_due_on,
      coalesce(sum(x.open) filter (where x.open > 0 and x.due_on > x.d), 0)::int8 as not_due_cents,
      coalesce(sum(x.open) filter (where x.open > 0 and x.d - x.due_on between 0 and 30), 0)::int8 as d0_30_cents,
      coalesce(sum(x.open) filter (where x.open > 0 and x.d - x.due_on between 31 and 60), 0)::int8 as d31_60_cents,
      coalesce(sum(x.open) filter (where x.open > 0 and x.d - x.due_on between 61 and 90), 0)::int8 as d61_90_cents,
      coalesce(sum(x.open) filter (where x.open > 0 and x.d - x.due_on > 90), 0)::int8 as d90_plus_cents
    from asof left join entries x on x.lease_id = asof.lease_id
    group by asof.lease_id, asof.property_id, asof.d`;
  const bindings: Knex.RawBinding[] = [
    date,
    instant,
    orgId,
    ...(leaseIds ? [[...leaseIds] as unknown as Knex.RawBinding] : []),
    orgId,
    orgId,
  ];
  return { sql, bindings };
}

interface AgingRow {
  lease_id: string;
  property_id: string;
  as_of: string;
  balance_cents: number;
  past_due_cents: number;
  open_cents: number;
  open_charges: number;
  oldest_unpaid_due_on: string | null;
  not_due_cents: number;
  d0_30_cents: number;
  d31_60_cents: number;
  d61_90_cents: number;
  d90_plus_cents: number;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function toLeaseAging(row: AgingRow): LeaseAging {
  return {
    lease_id: row.lease_id,
    property_id: row.property_id,
    as_of: row.as_of,
    balance_cents: row.balance_cents,
    past_due_cents: row.past_due_cents,
    unapplied_credit_cents: Math.max(0, row.open_cents - row.balance_cents),
    open_charges: row.open_charges,
    oldest_unpaid_due_on: row.oldest_unpaid_due_on,
    days_past_due: row.oldest_unpaid_due_on ? daysBetween(row.oldest_unpaid_due_on, row.as_of) : 0,
    aging: {
      not_due_cents: row.not_due_cents,
      d0_30_cents: row.d0_30_cents,
      d31_60_cents: row.d31_60_cents,
      d61_90_cents: row.d61_90_cents,
      d90_plus_cents: row.d90_plus_cents,
    },
  };
}

export async function leaseAging(
  trx: Trx,
  orgId: string,
  asOf: AsOf,
  leaseIds?: readonly string[],
): Promise<LeaseAging[]> {
  const { sql, bindings } = leaseAgingQuery(orgId, asOf, leaseIds);
  const result = await trx.raw<{ rows: AgingRow[] }>(`${sql} order by asof.lease_id`, bindings);
  return result.rows.map(toLeaseAging);
}

export interface PropertyAging {
  property_id: string;
  leases: number;
  delinquent_leases: number;
  balance_cents: number;
  not_due_cents: number;
  d0_30_cents: number;
  d31_60_cents: number;
  d61_90_cents: number;
  d90_plus_cents: number;
}

/** The portfolio aging table, summed per property in the database (no per-lease rows shipped). */
export async function portfolioAging(trx: Trx, orgId: string, asOf: AsOf): Promise<PropertyAging[]> {
  const { sql, bindings } = leaseAgingQuery(orgId, asOf);
  const result = await trx.raw<{ rows: PropertyAging[] }>(
    `select property_id, count(*)::int8 as leases,
            count(*) filter (where past_due_cents > 0 and as_of::date > oldest_unpaid_due_on::date)::int8 as delinquent_leases,
            sum(balance_cents)::int8 as balance_cents, sum(not_due_cents)::int8 as not_due_cents,
            sum(d0_30_cents)::int8 as d0_30_cents, sum(d31_60_cents)::int8 as d31_60_cents,
            sum(d61_90_cents)::int8 as d61_90_cents, sum(d90_plus_cents)::int8 as d90_plus_cents
     from (${sql}) per_lease group by property_id order by property_id`,
    bindings,
  );
  return result.rows;
}
