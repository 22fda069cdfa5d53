import type { Migration } from './migration.ts';

/**
 * Audit rows are chained once per transaction, not once per row.
 *
 * 004's deferred trigger moved each staged row into `audit_log` on its own, where 001's trigger
 * took the org's chain head, hashed the row and wrote the head back: per row, a head lock, a
 * head update and a delete, about 85 µs inside COMMIT while every other writer of the org waits
 * for the head (measured with bench/src/pipeline.ts and PostgreSQL's statement log: COMMIT was
 * a third of the server's time). Now the first of a transaction's deferred firings chains every
 * row the transaction staged for that org, in insertion order, under one head lock and one head
 * update; the later firings find their row already chained and return. The hash, the order and
 * `audit verify` are unchanged.
 *
 * Rows inserted into `audit_log` from that trigger arrive with their sequence number and hashes,
 * so 001's per-row trigger passes them through (a trigger inside a trigger: depth 2); a client's
 * own insert into `audit_log` (depth 1) is still chained by it as before.
 */
const schema = `
create or replace function audit_chain() returns trigger language plpgsql as $fn$
declare
  head audit_heads%rowtype;
begin
  if pg_trigger_depth() > 1 then
    return new;
  end if;
  insert into audit_heads (org_id, seq, hash) values (new.org_id, 0, repeat('0', 64))
    on conflict (org_id) do nothing;
  select * into head from audit_heads where audit_heads.org_id = new.org_id for update;
  new.seq := head.seq + 1;
  new.prev_hash := head.hash;
  new.hash := audit_row_hash(new.prev_hash, new.org_id, new.seq, new.at, new.actor, new.action,
    new.subject_type, new.subject_id, new.data);
  update audit_heads set seq = new.seq, hash = new.hash where audit_heads.org_id = new.org_id;
  return new;
end
$fn$;

create or replace function audit_chain_pending() returns trigger language plpgsql as $fn$
declare
  chained_upto bigint := coalesce(nullif(current_setting('arrears.audit_chained_' || md5(new.org_id), true), ''), '0')::bigint;
  head audit_heads%rowtype;
  r audit_pending%rowtype;
  v_seq bigint;
  v_hash text;
  ids bigint[] := '{}';
  seqs bigint[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
begin
  -- An earlier firing of this transaction chained this row with the rest.
  if new.id <= chained_upto then
    return null;
  end if;
  insert into audit_heads (org_id, seq, hash) values (new.org_id, 0, repeat('0', 64))
    on conflict (org_id) do nothing;
  select * into head from audit_heads where audit_heads.org_id = new.org_id for update;
  v_seq := head.seq;
  v_hash := head.hash;
  -- This transaction's staged rows of the org: nobody else's are visible (theirs are moved out
  -- before they commit), and ids grow in insertion order. Hashing is sequential; the rows are
  -- then written in one statement (a statement per row cost more than everything else).
  for r in select * from audit_pending p where p.org_id = new.org_id and p.id > chained_upto order by p.id loop
    v_seq := v_seq + 1;
    ids := ids || r.id;
    seqs := seqs || v_seq;
    prevs := prevs || v_hash;
    v_hash := audit_row_hash(v_hash, r.org_id, v_seq, r.at, r.actor, r.action, r.subject_type, r.subject_id, r.data);
    hashes := hashes || v_hash;
  end loop;
  if coalesce(ids[array_length(ids, 1)], 0) < new.id then
    -- The row that fired is not among them (not visible to this role): never drop a record.
    raise exception 'audit row % of org % could not be chained', new.id, new.org_id;
  end if;
  insert into audit_log (org_id, seq, at, actor, action, subject_type, subject_id, data, prev_hash, hash)
    select p.org_id, x.seq, p.at, p.actor, p.action, p.subject_type, p.subject_id, p.data, x.prev, x.hash
    from unnest(ids, seqs, prevs, hashes) as x(id, seq, prev, hash)
    join audit_pending p on p.id = x.id
    order by x.seq;
  update audit_heads set seq = v_seq, hash = v_hash where audit_heads.org_id = new.org_id;
  delete from audit_pending p where p.id = any(ids);
  perform set_config('arrears.audit_chained_' || md5(new.org_id), ids[array_length(ids, 1)]::text, true);
  return null;
end
$fn$;
`;

export const auditChainPerCommit: Migration = {
  name: '006_audit_chain_per_commit',
  async up(knex) {
    await knex.raw(schema);
  },
};
