import type { LeaseAging } from '@arrears/shared';
import type { Knex } from 'knex';
import type { Trx } from '../db/database.ts';

/** "As of" a calendar day everywhere, or an instant read as each property's local day. */
export type AsOf = { date: string } | { instant: Date };

/**
 * Where per-(lease, due date) amounts come from: the full history (any day) or the maintained
 * open items (a day on or after the org's ledger watermark).
 */
export type AgingSource = 'history' | 'current';

export interface AgingScope {
  leaseIds?: readonly string[];
  propertyIds?: readonly string[];
}

/**
 * Balances, days past due of the oldest unpaid charge and aging buckets for every lease of an
 * org (or the scoped ones), as of one day, in one set-based statement.
 *
 * A charge's open amount as of D is its amount minus the allocations applied on or before D
 * (a reversal's negative allocations re-open exactly what its payment had paid). Allocation
 * rows carry their charge's due date, so ledger rows and allocations are netted per
 * (lease, due date) in a single aggregate — no join from allocations back to charges — and a
 * second, much smaller aggregate per lease sums the buckets. Open amounts are never negative
 * per charge, so a due date with a positive net has an open charge: the oldest such date is
 * the oldest unpaid charge's.
 */
export function leaseAgingQuery(
  orgId: string,
  date: string,
  scope: AgingScope = {},
  source: AgingSource = 'history',
): { sql: string; bindings: Knex.RawBinding[] } {
  const bindings: Knex.RawBinding[] = [];
  const leaseScope = (column: string) => {
    let sql = '';
    if (scope.leaseIds) {
      sql += ` and ${column} = any(?::text[])`;
      bindings.push([...scope.leaseIds] as unknown as Knex.RawBinding);
    }
    if (scope.propertyIds) {
      sql += ` and ${column} in (select id from leases where org_id = ? and property_id = any(?::text[]))`;
      bindings.push(orgId, [...scope.propertyIds] as unknown as Knex.RawBinding);
    }
    return sql;
  };
  let perDue: string;
  if (source === 'current') {
    // Nothing in the ledger is dated after the day asked for: the maintained open items are the
    // answer. Open charges are what is owed (by due date); available credits, minus that, are
    // the rest of the balance (a lease with nothing open has no row and a zero balance).
    bindings.push(orgId);
    perDue = `
      select lease_id, coalesce(due_on, '-infinity') as due_on,
             case when kind = 'charge' then open_cents else -open_cents end as bal,
             case when kind = 'charge' then open_cents else 0 end as open
      from open_items d where d.org_id = ? ${leaseScope('d.lease_id')}`;
  } else {
    bindings.push(orgId, date);
    const entriesScope = leaseScope('e.lease_id');
    bindings.push(orgId, date);
    const allocationsScope = leaseScope('a.lease_id');
    perDue = `
      select lease_id, due_on, sum(bal) as bal, sum(open) as open
      from (
        select e.lease_id, e.due_on,
               case when e.kind in ('charge', 'reversal') then e.amount_cents else -e.amount_cents end as bal,
               case when e.kind = 'charge' then e.amount_cents else 0 end as open
        from ledger_entries e
        where e.org_id = ? and e.effective_on <= ?::date ${entriesScope}
        union all
        select a.lease_id, a.charge_due_on, 0, -a.amount_cents
        from allocations a
        where a.org_id = ? and a.applied_on <= ?::date ${allocationsScope}
      ) rows
      group by lease_id, due_on`;
  }
  bindings.push(date, date, date, date, date, date, date, date, date, orgId);
  const leasesScope = leaseScope('l.id');
  const sql = `
    with per_due as (${perDue}),
    per_lease as (
      select lease_id,
        sum(bal)::int8 as balance_cents,
        (sum(open) filter (where open > 0))::int8 as open_cents,
        (sum(open) filter (where open > 0 and due_on <= ?::date))::int8 as past_due_cents,
        min(due_on) filter (where open > 0 and due_on <= ?::date) as oldest_unpaid_due_on,
        (sum(open) filter (where open > 0 and due_on > ?::date))::int8 as not_due_cents,
        (sum(open) filter (where open > 0 and ?::date - due_on between 0 and 30))::int8 as d0_30_cents,
        (sum(open) filter (where open > 0 and ?::date - due_on between 31 and 60))::int8 as d31_60_cents,
        (sum(open) filter (where open > 0 and ?::date - due_on between 61 and 90))::int8 as d61_90_cents,
        (sum(open) filter (where open > 0 and ?::date - due_on > 90))::int8 as d90_plus_cents
      from per_due group by lease_id)
    select l.id as lease_id, l.property_id, ?::text as as_of,
      coalesce(x.balance_cents, 0) as balance_cents,
      coalesce(x.past_due_cents, 0) as past_due_cents,
      coalesce(x.open_cents, 0) as open_cents,
      to_char(x.oldest_unpaid_due_on, 'YYYY-MM-DD') as oldest_unpaid_due_on,
      coalesce(?::date - x.oldest_unpaid_due_on, 0) as days_past_due,
      coalesce(x.not_due_cents, 0) as not_due_cents,
      coalesce(x.d0_30_cents, 0) as d0_30_cents,
      coalesce(x.d31_60_cents, 0) as d31_60_cents,
      coalesce(x.d61_90_cents, 0) as d61_90_cents,
      coalesce(x.d90_plus_cents, 0) as d90_plus_cents
    from leases l left join per_lease x on x.lease_id = l.id
    where l.org_id = ? ${leasesScope}`;
  return { sql, bindings };
}

/**
 * Session settings for the aging statements, local to the caller's transaction. The per-due
 * aggregate has about one group per open charge; PostgreSQL's default 4 MB work_mem spills it
 * to disk at portfolio scale. JIT compiles the many FILTER expressions anew on every run,
 * which costs more than it saves for a statement that runs in about a second.
 */
export async function prepareAgingTransaction(trx: Trx): Promise<void> {
  await trx.raw(`select set_config('work_mem', '128MB', true), set_config('jit', 'off', true)`);
}

interface AgingRow {
  lease_id: string;
  property_id: string;
  as_of: string;
  balance_cents: number;
  past_due_cents: number;
  open_cents: number;
  oldest_unpaid_due_on: string | null;
  days_past_due: number;
  not_due_cents: number;
  d0_30_cents: number;
  d31_60_cents: number;
  d61_90_cents: number;
  d90_plus_cents: number;
}

export function toLeaseAging(row: AgingRow): LeaseAging {
  return {
    lease_id: row.lease_id,
    property_id: row.property_id,
    as_of: row.as_of,
    balance_cents: row.balance_cents,
    past_due_cents: row.past_due_cents,
    unapplied_credit_cents: Math.max(0, row.open_cents - row.balance_cents),
    oldest_unpaid_due_on: row.oldest_unpaid_due_on,
    days_past_due: row.days_past_due,
    aging: {
      not_due_cents: row.not_due_cents,
      d0_30_cents: row.d0_30_cents,
      d31_60_cents: row.d31_60_cents,
      d61_90_cents: row.d61_90_cents,
      d90_plus_cents: row.d90_plus_cents,
    },
  };
}

/**
 * The local day(s) an instant falls on across the org's properties, with the properties on
 * each. US zones put any instant on at most two calendar days, so an instant costs one or two
 * runs of the per-day query instead of a per-row time-zone conversion.
 */
async function localDays(trx: Trx, orgId: string, instant: Date): Promise<{ date: string; propertyIds: string[] }[]> {
  const result = await trx.raw<{ rows: { date: string; property_ids: string[] }[] }>(
    `select to_char((?::timestamptz at time zone timezone)::date, 'YYYY-MM-DD') as date, array_agg(id order by id) as property_ids
     from properties where org_id = ? group by 1 order by 1`,
    [instant, orgId],
  );
  return result.rows.map((r) => ({ date: r.date, propertyIds: r.property_ids }));
}

/** The cheapest source that answers for `date` exactly. */
export async function agingSource(trx: Trx, orgId: string, date: string): Promise<AgingSource> {
  const result = await trx.raw<{ rows: { current: boolean }[] }>(
    `select coalesce((select last_effective_on <= ?::date from ledger_watermarks where org_id = ?), true) as current`,
    [date, orgId],
  );
  return result.rows[0]!.current ? 'current' : 'history';
}

/** Runs the per-day query once per local day `asOf` stands for, each scoped to its properties. */
async function eachDay<T>(
  trx: Trx,
  orgId: string,
  asOf: AsOf,
  scope: AgingScope,
  run: (date: string, scope: AgingScope, source: AgingSource) => Promise<T[]>,
): Promise<T[]> {
  const days: { date: string; propertyIds?: string[] }[] =
    'date' in asOf ? [{ date: asOf.date }] : await localDays(trx, orgId, asOf.instant);
  const out: T[] = [];
  for (const day of days) {
    const dayScope = days.length > 1 && day.propertyIds ? { ...scope, propertyIds: day.propertyIds } : scope;
    out.push(...(await run(day.date, dayScope, await agingSource(trx, orgId, day.date))));
  }
  return out;
}

export async function leaseAging(
  trx: Trx,
  orgId: string,
  asOf: AsOf,
  leaseIds?: readonly string[],
): Promise<LeaseAging[]> {
  if (!leaseIds) await prepareAgingTransaction(trx);
  const rows = await eachDay(trx, orgId, asOf, leaseIds ? { leaseIds } : {}, async (date, scope, source) => {
    const { sql, bindings } = leaseAgingQuery(orgId, date, scope, source);
    return (await trx.raw<{ rows: AgingRow[] }>(sql, bindings)).rows;
  });
  return rows.map(toLeaseAging).sort((a, b) => (a.lease_id < b.lease_id ? -1 : a.lease_id > b.lease_id ? 1 : 0));
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
  await prepareAgingTransaction(trx);
  const rows = await eachDay(trx, orgId, asOf, {}, async (date, scope, source) => {
    const { sql, bindings } = leaseAgingQuery(orgId, date, scope, source);
    const result = await trx.raw<{ rows: PropertyAging[] }>(
      `select property_id, count(*)::int8 as leases,
              count(*) filter (where days_past_due > 0)::int8 as delinquent_leases,
              sum(balance_cents)::int8 as balance_cents, sum(not_due_cents)::int8 as not_due_cents,
              sum(d0_30_cents)::int8 as d0_30_cents, sum(d31_60_cents)::int8 as d31_60_cents,
              sum(d61_90_cents)::int8 as d61_90_cents, sum(d90_plus_cents)::int8 as d90_plus_cents
       from (${sql}) per_lease group by property_id`,
      bindings,
    );
    return result.rows;
  });
  return rows.sort((a, b) => (a.property_id < b.property_id ? -1 : 1));
}
