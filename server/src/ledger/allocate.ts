import type { Trx } from '../db/database.ts';

/** What one allocation pass works on: SQL fragments over the current transaction's tables. */
export interface AllocationInput {
  /** `select lease_id …`: the leases to allocate; distinct. */
  leases: string;
  /**
   * `select lease_id, id, kind, due_on, effective_on, amount_cents …`: entries new to
   * open_items (charges as 'charge'; payments, credits and write-offs not reversed as
   * 'credit'), wholly open. They are written to open_items only if something stays open.
   */
  fresh: string;
}

/** The ingest's input: what the merge inserted into the stage, minus payments reversed in it. */
export const STAGED: AllocationInput = {
  leases: `select distinct lease_id from ledger_stage where status = 'inserted'`,
  fresh: `
    select s.lease_id, s.entry_id as id, case when s.kind = 'charge' then 'charge' else 'credit' end as kind,
           s.due_on, s.effective_on, s.amount_cents
    from ledger_stage s
    where s.status = 'inserted' and s.kind <> 'reversal'
      and s.entry_id not in (select r.reverses_id from ledger_stage r
                             where r.status = 'inserted' and r.kind = 'reversal' and r.reverses_id is not null)`,
};

/** No entries new to open_items: allocate what open_items already holds (after a rebuild). */
export const NOTHING_FRESH = `select null::text as lease_id, null::bigint as id, null::text as kind, null::date as due_on,
  null::date as effective_on, null::bigint as amount_cents where false`;

/**
 * Applies every available credit-side amount (payments, credits, write-offs that are not
 * reversed) to open charges of the same lease, oldest due date first, as explicit allocation
 * rows, and brings the leases' open_items up to date — set-based, in two statements. Set-based
 * FIFO: lay a lease's open charges (by due date, then id) and its available credits (by
 * effective day, then id) end to end on two running-sum axes; each overlap of a charge
 * interval with a credit interval is one allocation, and each item keeps what its interval has
 * beyond the other side's total.
 *
 * Reads only open items — a handful of rows per lease — never the lease's history: open_items
 * holds exactly the open charges and available credits (migration 005), kept by these
 * statements and by the merge's reversal step, under the lease locks the ingest holds. It is
 * also the current state aging reads (a day on or after the watermark).
 */
export async function allocateOpenItems(
  trx: Trx,
  orgId: string,
  now: Date,
  input: AllocationInput = STAGED,
  options: { analyze?: boolean } = {},
) {
  // The laid-out items go to a temporary table with fresh statistics: planned over a CTE, the
  // charge-to-credit join is estimated at one row (default selectivities) and nests loops —
  // quadratic in the items (measured: 55 s for the scan benchmark's first 2,000 leases). One per
  // connection, emptied at commit, like the ingest stage (stage.ts).
  await trx.raw(`
    create temp table if not exists allocation_items (
      lease_id text not null,
      id bigint not null,
      kind text not null,
      due_on date,
      effective_on date not null,
      amount_cents bigint not null,
      open bigint not null,
      stored boolean not null,
      upto bigint not null,
      remaining bigint not null
    ) on commit delete rows`);
  await trx.raw('delete from allocation_items');
  await trx.raw(
    `with touched as materialized (${input.leases}),
     items as materialized (
       select o.lease_id, o.entry_id as id, o.kind, o.due_on, o.effective_on, o.amount_cents, o.open_cents as open,
              true as stored
       from open_items o
       where o.org_id = ? and o.lease_id in (select lease_id from touched)
       union all
       select f.lease_id, f.id, f.kind, f.due_on, f.effective_on, f.amount_cents, f.amount_cents, false
       from (${input.fresh}) f),
     laid as (
       select i.*,
              sum(open) over (partition by lease_id, kind order by coalesce(due_on, effective_on), id) as upto,
              coalesce(sum(open) filter (where kind = 'charge') over (partition by lease_id), 0) as charges,
              coalesce(sum(open) filter (where kind = 'credit') over (partition by lease_id), 0) as credits
       from items i)
     insert into allocation_items (lease_id, id, kind, due_on, effective_on, amount_cents, open, stored, upto, remaining)
     select lease_id, id, kind, due_on, effective_on, amount_cents, open, stored, upto,
            open - greatest(0, least(open, case when kind = 'charge' then credits else charges end - (upto - open)))
     from laid`,
    [orgId],
  );
  // A few leases' items (a small chunk) are planned well enough without; see ingestChunk.
  if (options.analyze !== false) await trx.raw('analyze allocation_items (lease_id, kind, stored)');
  const result = await trx.raw<{ rows: { allocations: number }[] }>(
    `with applied as (
       insert into allocations (org_id, lease_id, charge_id, credit_id, amount_cents, applied_on, charge_due_on, created_at)
       select ?, c.lease_id, c.id, p.id,
              least(c.upto, p.upto) - greatest(c.upto - c.open, p.upto - p.open),
              greatest(c.effective_on, p.effective_on), c.due_on, ?
       from allocation_items c
       join allocation_items p on p.lease_id = c.lease_id and p.kind = 'credit'
         and c.upto - c.open < p.upto and p.upto - p.open < c.upto
       where c.kind = 'charge' and c.remaining < c.open
       returning 1),
     closed as (
       delete from open_items o using allocation_items s
       where s.stored and s.remaining = 0 and o.org_id = ? and o.lease_id = s.lease_id and o.entry_id = s.id),
     reduced as (
       update open_items o set open_cents = s.remaining from allocation_items s
       where s.stored and s.remaining > 0 and s.remaining < s.open
         and o.org_id = ? and o.lease_id = s.lease_id and o.entry_id = s.id),
     opened as (
       insert into open_items (org_id, lease_id, entry_id, kind, due_on, effective_on, amount_cents, open_cents)
       select ?, lease_id, id, kind, due_on, effective_on, amount_cents, remaining
       from allocation_items where not stored and remaining > 0)
     select count(*)::int8 as allocations from applied`,
    [orgId, now, orgId, orgId, orgId],
  );
  return result.rows[0]?.allocations ?? 0;
}

/**
 * Recomputes the open items of some leases from their whole history (charges minus what was
 * applied to them; credits not reversed, minus what they applied). For state loaded around
 * the ingest (the scan benchmark's bulk COPY) and as the oracle tests compare against.
 */
export async function rebuildOpenItems(trx: Trx, orgId: string, leases: string): Promise<void> {
  await trx.raw(`delete from open_items where org_id = ? and lease_id in (${leases})`, [orgId]);
  await trx.raw(
    `with entries as materialized (
       select e.id, e.lease_id, e.kind, e.amount_cents, e.effective_on, e.due_on, e.reverses_id
       from ledger_entries e where e.org_id = ? and e.lease_id in (${leases})),
     applied as materialized (
       select a.charge_id, a.credit_id, a.amount_cents
       from allocations a where a.org_id = ? and a.lease_id in (${leases})),
     paid as (select charge_id, sum(amount_cents) as amount from applied group by charge_id),
     used as (select credit_id, sum(amount_cents) as amount from applied group by credit_id)
     insert into open_items (org_id, lease_id, entry_id, kind, due_on, effective_on, amount_cents, open_cents)
     select ?, e.lease_id, e.id, 'charge', e.due_on, e.effective_on, e.amount_cents, e.amount_cents - coalesce(p.amount, 0)
     from entries e left join paid p on p.charge_id = e.id
     where e.kind = 'charge' and e.amount_cents - coalesce(p.amount, 0) > 0
     union all
     select ?, e.lease_id, e.id, 'credit', null, e.effective_on, e.amount_cents, e.amount_cents - coalesce(u.amount, 0)
     from entries e left join used u on u.credit_id = e.id
     where e.kind in ('payment', 'credit', 'write_off') and e.amount_cents - coalesce(u.amount, 0) > 0
       and not exists (select 1 from entries r where r.reverses_id = e.id)`,
    [orgId, orgId, orgId, orgId],
  );
}
