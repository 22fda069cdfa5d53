import type { Migration } from './migration.ts';

/**
 * Allocations reference ledger entries through one set-based check per statement instead of
 * three foreign keys.
 *
 * A foreign key checks each inserted row on its own, after the statement, and takes a KEY SHARE
 * row lock on the entry it references, which writes to that entry's page. Ledger entries can
 * never be updated, deleted or truncated (001's append-only triggers), so an entry that exists
 * when an allocation is inserted exists for good, and the lock protects nothing. Measured with
 * auto_explain on bench/src/ingest.ts (a 10,000-event chunk at 300,000 entries): the allocation
 * insert ran 100 ms, its 26,000 foreign-key checks another 200 ms. Now a statement trigger looks
 * every new row's entries up by primary key (scalar subqueries: a probe per row, never a hash of
 * the ledger) and refuses the whole statement, with a foreign_key_violation, if one is missing.
 * Under row-level security the lookup sees only the org's own entries, so an allocation can
 * never point into another org's ledger either.
 */
const schema = `
alter table allocations
  drop constraint allocations_charge_id_fkey,
  drop constraint allocations_credit_id_fkey,
  drop constraint allocations_reversal_id_fkey;

create function allocations_reference_entries() returns trigger language plpgsql as $fn$
declare
  missing record;
begin
  select n.charge_id, n.credit_id, n.reversal_id into missing
  from allocation_rows n
  where (select e.id from ledger_entries e where e.id = n.charge_id) is null
     or (select e.id from ledger_entries e where e.id = n.credit_id) is null
     or (n.reversal_id is not null and (select e.id from ledger_entries e where e.id = n.reversal_id) is null)
  limit 1;
  if found then
    raise exception 'allocation references a ledger entry that does not exist (charge %, credit %, reversal %)',
      missing.charge_id, missing.credit_id, missing.reversal_id
      using errcode = 'foreign_key_violation';
  end if;
  return null;
end
$fn$;

create trigger allocations_reference_entries after insert on allocations
  referencing new table as allocation_rows
  for each statement execute function allocations_reference_entries();
`;

export const allocationReferences: Migration = {
  name: '008_allocation_references',
  async up(knex) {
    await knex.raw(schema);
  },
};
