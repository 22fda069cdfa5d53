import type { Migration } from './migration.ts';
import { secureOrgTables } from './row-level-security.ts';

/**
 * Open items: what allocation works from, maintained by ingest.
 *
 * Oldest-first allocation only ever needs a lease's open charges (amount still unpaid) and its
 * available credits (payments, credits and write-offs not reversed, with an amount not yet
 * applied). Before this table, every ingest chunk re-derived both from each touched lease's
 * whole ledger and allocation history. Now ingest keeps them here, per lease, in the same
 * transaction as the entries and allocations they summarise (under the lease lock), and
 * allocation reads a handful of rows per lease. After every allocation a lease has open charges
 * or available credits, never both. Derived state: the history stays the source of truth.
 * They are also the current state aging reads as of a day on or after the org's watermark
 * (replacing lease_dues, which 001 created and every chunk rebuilt for its leases).
 */
const schema = `
create table open_items (
  org_id text not null,
  lease_id text not null,
  -- The charge, or the payment, credit or write-off.
  entry_id bigint not null,
  kind text not null check (kind in ('charge', 'credit')),
  -- Charges: their due date (oldest first); credits: null (oldest effective day first).
  due_on date,
  effective_on date not null,
  amount_cents bigint not null check (amount_cents > 0),
  -- Still unpaid (charges) or not yet applied (credits).
  open_cents bigint not null check (open_cents > 0 and open_cents <= amount_cents),
  primary key (org_id, lease_id, entry_id),
  check ((kind = 'charge') = (due_on is not null))
);

-- The open items of the ledger as it stands (allocations so far, reversals netted).
insert into open_items (org_id, lease_id, entry_id, kind, due_on, effective_on, amount_cents, open_cents)
select e.org_id, e.lease_id, e.id, 'charge', e.due_on, e.effective_on, e.amount_cents,
       e.amount_cents - coalesce(p.amount, 0)
from ledger_entries e
left join (select charge_id, sum(amount_cents) as amount from allocations group by charge_id) p on p.charge_id = e.id
where e.kind = 'charge' and e.amount_cents - coalesce(p.amount, 0) > 0
union all
select e.org_id, e.lease_id, e.id, 'credit', null, e.effective_on, e.amount_cents,
       e.amount_cents - coalesce(u.amount, 0)
from ledger_entries e
left join (select credit_id, sum(amount_cents) as amount from allocations group by credit_id) u on u.credit_id = e.id
where e.kind in ('payment', 'credit', 'write_off') and e.amount_cents - coalesce(u.amount, 0) > 0
  and not exists (select 1 from ledger_entries r where r.reverses_id = e.id);

-- Superseded: aging's current state is now read from open_items (an open charge per row by due
-- date, an available credit per row), so nothing maintains lease_dues any more. Derived data,
-- dropped rather than left to go stale.
drop table lease_dues;
`;

export const openItems: Migration = {
  name: '005_open_items',
  async up(knex, { appRole }) {
    await knex.raw(schema);
    await secureOrgTables(knex, appRole, ['open_items'], []);
  },
};
