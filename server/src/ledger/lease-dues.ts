import type { Trx } from '../db/database.ts';

/**
 * Rebuilds the derived per-(lease, due date) state of the leases a chunk touched, from their
 * ledger and allocations, and raises the org's watermark. Rebuilding (rather than adding
 * deltas) keeps it exactly equal to what the history says; the leases are locked by the ingest
 * that calls this, so no concurrent writer can interleave.
 */
export async function refreshLeaseDues(trx: Trx, orgId: string, leases: string): Promise<void> {
  await trx.raw(`create temp table if not exists touched_leases (lease_id text primary key) on commit drop`);
  await trx.raw('truncate touched_leases');
  await trx.raw(`insert into touched_leases ${leases} on conflict do nothing`);
  await trx.raw('analyze touched_leases');
  await trx.raw(`delete from lease_dues where org_id = ? and lease_id in (select lease_id from touched_leases)`, [
    orgId,
  ]);
  // Only due dates with something open are kept (most charges are paid); what the paid ones
  // were paid with lives on in the lease's '-infinity' row, which holds minus the credit not
  // yet applied. Then the open amounts plus that row sum to the balance.
  await trx.raw(
    `with per_due as (
       select lease_id, due_on, sum(charged) as charged, sum(allocated) as allocated
       from (
         select e.lease_id, coalesce(e.due_on, '-infinity'::date) as due_on,
                case when e.kind in ('charge', 'reversal') then e.amount_cents else -e.amount_cents end as charged,
                0 as allocated
         from ledger_entries e where e.org_id = ? and e.lease_id in (select lease_id from touched_leases)
         union all
         select a.lease_id, a.charge_due_on, 0, a.amount_cents
         from allocations a where a.org_id = ? and a.lease_id in (select lease_id from touched_leases)
       ) rows
       group by lease_id, due_on)
     insert into lease_dues (org_id, lease_id, due_on, charged_cents, allocated_cents)
     select ?, lease_id, due_on, charged, allocated
     from per_due where due_on <> '-infinity' and charged <> allocated
     union all
     select ?, lease_id, '-infinity', sum(case when due_on = '-infinity' then charged else allocated end), 0
     from per_due group by lease_id`,
    [orgId, orgId, orgId, orgId],
  );
}

export async function raiseWatermark(trx: Trx, orgId: string, lastEffectiveOn: string | null): Promise<void> {
  if (!lastEffectiveOn) return;
  await trx.raw(
    `insert into ledger_watermarks (org_id, last_effective_on) values (?, ?)
     on conflict (org_id) do update set last_effective_on = greatest(ledger_watermarks.last_effective_on, excluded.last_effective_on)`,
    [orgId, lastEffectiveOn],
  );
}
