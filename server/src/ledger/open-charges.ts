import type { OpenCharge } from '@arrears/shared';
import type { Trx } from '../db/database.ts';

/** The charges of one lease still open as of a day, oldest due date first. */
export async function openCharges(trx: Trx, orgId: string, leaseId: string, asOf: string): Promise<OpenCharge[]> {
  const result = await trx.raw<{ rows: OpenCharge[] }>(
    `select e.id, e.external_id, e.charge_type, to_char(e.due_on, 'YYYY-MM-DD') as due_on, e.amount_cents,
            (e.amount_cents - coalesce(p.paid, 0))::int8 as open_cents,
            greatest(?::date - e.due_on, 0) as days_past_due
     from ledger_entries e
     left join lateral (
       select sum(a.amount_cents) as paid from allocations a where a.charge_id = e.id and a.applied_on <= ?::date
     ) p on true
     where e.org_id = ? and e.lease_id = ? and e.kind = 'charge' and e.effective_on <= ?::date
       and e.amount_cents - coalesce(p.paid, 0) > 0
     order by e.due_on, e.id`,
    [asOf, asOf, orgId, leaseId, asOf],
  );
  return result.rows;
}
