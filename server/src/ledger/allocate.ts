import type { Trx } from '../db/database.ts';

/**
 * Applies every unapplied credit-side amount (payments, credits, write-offs that are not
 * reversed) to open charges of the same lease, oldest due date first, as explicit allocation
 * rows. Set-based FIFO: lay the open charges and the available credits end to end on two
 * running-sum axes per lease; each overlap of a charge interval with a credit interval is one
 * allocation. `leases` is a SQL fragment selecting the lease ids to (re)allocate.
 *
 * Every intermediate set is MATERIALIZED and aggregated once: inlined, the planner is free to
 * re-run per-row subqueries inside the final join, which on a fresh (unanalysed) ledger
 * turned a 10,000-event chunk into millions of index probes.
 */
export async function allocateOpenItems(trx: Trx, orgId: string, leases: string, now: Date): Promise<number> {
  const result = await trx.raw(
    `with affected as materialized (${leases}),
     entries as materialized (
       select e.id, e.lease_id, e.kind, e.amount_cents, e.effective_on, e.due_on, e.reverses_id
       from ledger_entries e
       where e.org_id = ? and e.lease_id in (select lease_id from affected)),
     applied as materialized (
       select a.charge_id, a.credit_id, a.amount_cents
       from allocations a
       where a.org_id = ? and a.lease_id in (select lease_id from affected)),
     paid as (select charge_id, sum(amount_cents) as amount from applied group by charge_id),
     used as (select credit_id, sum(amount_cents) as amount from applied group by credit_id),
     open_charges as materialized (
       select c.lease_id, c.id, c.effective_on, c.due_on, c.amount_cents - coalesce(p.amount, 0) as open,
              sum(c.amount_cents - coalesce(p.amount, 0)) over (partition by c.lease_id order by c.due_on, c.id) as upto
       from entries c left join paid p on p.charge_id = c.id
       where c.kind = 'charge' and c.amount_cents - coalesce(p.amount, 0) > 0),
     open_credits as materialized (
       select e.lease_id, e.id, e.effective_on, e.amount_cents - coalesce(u.amount, 0) as available,
              sum(e.amount_cents - coalesce(u.amount, 0)) over (partition by e.lease_id order by e.effective_on, e.id) as upto
       from entries e left join used u on u.credit_id = e.id
       where e.kind in ('payment', 'credit', 'write_off')
         and e.amount_cents - coalesce(u.amount, 0) > 0
         and not exists (select 1 from entries r where r.reverses_id = e.id))
     insert into allocations (org_id, lease_id, charge_id, credit_id, amount_cents, applied_on, charge_due_on, created_at)
     select ?, c.lease_id, c.id, p.id,
            least(c.upto, p.upto) - greatest(c.upto - c.open, p.upto - p.available),
            greatest(c.effective_on, p.effective_on), c.due_on, ?
     from open_charges c
     join open_credits p on p.lease_id = c.lease_id
       and c.upto - c.open < p.upto and p.upto - p.available < c.upto`,
    [orgId, orgId, orgId, now],
  );
  return result.rowCount ?? 0;
}
