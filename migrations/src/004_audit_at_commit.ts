import type { Migration } from './migration.ts';
import { secureOrgTables } from './row-level-security.ts';

/**
 * Audit rows are chained at COMMIT, inside the server.
 *
 * The chain trigger (001) locks the org's chain head from the first audit insert until the
 * transaction ends, so every writer of the org waited for every other one's whole transaction
 * — and for the client's round trips in it. Now the application inserts into `audit_pending`
 * (no lock), and a deferred constraint trigger moves each row into `audit_log` when the
 * transaction commits, in insertion order, where 001's trigger chains it. The head is locked
 * only from that moment to the end of COMMIT, with no client round trip in between. The rows
 * are still written in the transaction of the change they record: a rollback leaves none.
 */
const schema = `
create table audit_pending (
  id bigint generated always as identity primary key,
  org_id text not null,
  at timestamptz not null,
  actor text not null,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  data jsonb not null default '{}'
);

create function audit_chain_pending() returns trigger language plpgsql as $fn$
begin
  insert into audit_log (org_id, seq, at, actor, action, subject_type, subject_id, data, prev_hash, hash)
    values (new.org_id, 0, new.at, new.actor, new.action, new.subject_type, new.subject_id, new.data, '', '');
  delete from audit_pending where id = new.id;
  return null;
end
$fn$;

-- Deferred constraint triggers fire at COMMIT in the order their rows were inserted, so the
-- chain order is the order the application appended in.
create constraint trigger audit_pending_chain after insert on audit_pending
  deferrable initially deferred for each row execute function audit_chain_pending();
`;

export const auditAtCommit: Migration = {
  name: '004_audit_at_commit',
  async up(knex, { appRole }) {
    await knex.raw(schema);
    await secureOrgTables(knex, appRole, ['audit_pending'], []);
  },
};
