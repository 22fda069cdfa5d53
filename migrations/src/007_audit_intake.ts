import type { Migration } from './migration.ts';
import { secureOrgTables } from './row-level-security.ts';

/**
 * A transaction hands its audit rows over in one statement, and they are chained right there.
 *
 * 004 and 006 staged every row in `audit_pending` and queued a deferred trigger firing per row,
 * so COMMIT moved them into `audit_log` under the chain-head lock. Measured with
 * `log_statement_stats` on bench/src/pipeline.ts, that cost about 26 µs of server CPU per
 * audit row (three per dispatched effect): the staging insert, one trigger firing per row, the
 * move and the delete. Now the application sends a transaction's rows, in order, as ONE row of
 * `audit_intake` (a jsonb array) as the transaction's last statement before COMMIT; a BEFORE
 * trigger chains them all under one head lock, inserts them into `audit_log` and returns NULL,
 * so `audit_intake` never holds anything. The head is locked from that statement to the end
 * of COMMIT: one client round trip longer than before, never for the rest of a transaction.
 *
 * Rows inserted by that trigger (depth 1) arrive with their hashes; 001's chain trigger now
 * fires only for a client's own insert into `audit_log` (depth 0), which it chains as ever.
 * The hash, the order within a transaction and `audit verify` are unchanged.
 */
const schema = `
drop trigger audit_pending_chain on audit_pending;
drop table audit_pending;
drop function audit_chain_pending();

drop trigger audit_log_chain on audit_log;
create trigger audit_log_chain before insert on audit_log
  for each row when (pg_trigger_depth() = 0) execute function audit_chain();

create table audit_intake (
  org_id text not null references orgs,
  -- [{at, actor, action, subject_type, subject_id, data}, ...] in the order they were recorded
  rows jsonb not null check (jsonb_typeof(rows) = 'array')
);

create function audit_intake_chain() returns trigger language plpgsql as $fn$
declare
  head audit_heads%rowtype;
  v_seq bigint;
  v_hash text;
  r record;
  seqs bigint[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
begin
  insert into audit_heads (org_id, seq, hash) values (new.org_id, 0, repeat('0', 64))
    on conflict (org_id) do nothing;
  select * into head from audit_heads where audit_heads.org_id = new.org_id for update;
  v_seq := head.seq;
  v_hash := head.hash;
  -- Hashing is sequential (each row hashes its predecessor's hash); the rows are then written
  -- in one statement.
  for r in select x.at, x.actor, x.action, x.subject_type, x.subject_id, coalesce(x.data, '{}') as data
           from jsonb_populate_recordset(null::audit_log, new.rows) with ordinality as x
           order by x.ordinality loop
    v_seq := v_seq + 1;
    seqs := seqs || v_seq;
    prevs := prevs || v_hash;
    v_hash := audit_row_hash(v_hash, new.org_id, v_seq, r.at, r.actor, r.action, r.subject_type, r.subject_id, r.data);
    hashes := hashes || v_hash;
  end loop;
  insert into audit_log (org_id, seq, at, actor, action, subject_type, subject_id, data, prev_hash, hash)
    select new.org_id, h.seq, x.at, x.actor, x.action, x.subject_type, x.subject_id, coalesce(x.data, '{}'), h.prev, h.hash
    from jsonb_populate_recordset(null::audit_log, new.rows) with ordinality as x
    join unnest(seqs, prevs, hashes) with ordinality as h(seq, prev, hash, n) on h.n = x.ordinality
    order by h.seq;
  update audit_heads set seq = v_seq, hash = v_hash where audit_heads.org_id = new.org_id;
  return null;
end
$fn$;

create trigger audit_intake_chain before insert on audit_intake
  for each row execute function audit_intake_chain();
`;

export const auditIntake: Migration = {
  name: '007_audit_intake',
  async up(knex, { appRole }) {
    await knex.raw(schema);
    await secureOrgTables(knex, appRole, ['audit_intake'], []);
  },
};
