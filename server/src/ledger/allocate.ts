import type { Trx } from '../db/database.ts';

/**
 * Applies every unapplied credit-side amount (payments, credits, write-offs that are not
 * reversed) to open charges of the same lease, oldest due date first, as explicit allocation
 * rows. Set-based FIFO: lay the open charges and the available credits end to end on two
 * running-sum axes per lease; each overlap of a charge interval with a credit interval is one
 * allocation. `leases` is a SQL fragment selecting the lease ids to (re)allocate.
 */
export async function allocateOpenItems(trx: Trx, orgId: string, leases: string, now: Date): Promise<number> {
  const result = await trx.raw(
    `with affected as (${leases}),
     charges as (
       select e.lease_id, e.id, e.due_on, e.effective_on,
              e.amount_cents - coalesce((select sum(a.amount_cents) from allocations a where a.charge_id = e.id), 0) as open
       from ledger_entries e
       where e.org_id = ? and e.kind = 'charge' and e.lease_id in (select lease_id from affected)),
     open_charges as (
       select *, sum(open) over (partition by lease_id order by due_on, id) as upto
       from charges where open > 0),
     credits as (
       select e.lease_id, e.id, e.effective_on,
              e.amount_cents - coalesce((select sum(a.amount_cents) from allocations a where a.credit_id = e.id), 0) as available
       from ledger_entries e
       where e.org_id = ? and e.kind in ('payment', 'credit', 'write_off') and e.lease_id in (select lease_id from affected)
         and not exists (select 1 from ledger_entries r where r.reverses_id = e.id)),
     open_credits as (
       select *, sum(available) over (partition by lease_id order by effective_on, id) as upto
       from credits where available > 0)
     insert into allocations (org_id, lease_id, charge_id, credit_id, amount_cents, applied_on, created_at)
     select ?, c.lease_id, c.id, p.id,
            least(c.upto, p.upto) - greatest(c.upto - c.open, p.upto - p.available),
            greatest(c.effective_on, p.effective_on), ?
     from open_charges c
     join open_credits p on p.lease_id = c.lease_id
       and c.upto - c.open < p.upto and p.upto - p.available < c.upto`,
    [orgId, orgId, orgId, now],
  );
  return result.rowCount ?? 0;
}
