import type { Database } from '../db/database.ts';

export type AuditVerification =
  | { ok: true; orgId: string; entries: number; head: string | null }
  | {
      ok: false;
      orgId: string;
      entries: number;
      /** The first row whose stored values no longer hash to what the chain says. */
      brokenAt: { seq: number; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'missing_row' | 'head_mismatch' };
    };

/**
 * Recomputes the org's chain in one set-based query: each row's hash from its own columns
 * and its predecessor's hash. Any edit made behind the database's back (a superuser with
 * triggers disabled, a restored backup, a hand-edited dump) shows as the first broken row.
 */
export async function verifyAuditChain(db: Database, orgId: string): Promise<AuditVerification> {
  return db.withOrg(orgId, async (trx) => {
    const broken = await trx.raw(
      `select seq, case
          when seq <> coalesce(prev_seq, 0) + 1 then 'missing_row'
          when prev_hash <> coalesce(expected_prev, repeat('0', 64)) then 'prev_hash_mismatch'
          else 'hash_mismatch' end as reason
       from (
         select seq, hash, prev_hash,
                lag(seq) over w as prev_seq, lag(hash) over w as expected_prev,
                audit_row_hash(prev_hash, org_id, seq, at, actor, action, subject_type, subject_id, data) as recomputed
         from audit_log where org_id = ? window w as (order by seq)) chain
       where seq <> coalesce(prev_seq, 0) + 1 or prev_hash <> coalesce(expected_prev, repeat('0', 64)) or hash <> recomputed
       order by seq limit 1`,
      [orgId],
    );
    const totals = await trx.raw(
      `select (select count(*) from audit_log where org_id = ?)::int8 as entries,
              (select max(seq) from audit_log where org_id = ?)::int8 as last_seq,
              (select hash from audit_log where org_id = ? order by seq desc limit 1) as last_hash,
              h.seq as head_seq, h.hash as head_hash
       from (select 1) one left join audit_heads h on h.org_id = ?`,
      [orgId, orgId, orgId, orgId],
    );
    const t = totals.rows[0];
    const entries = Number(t.entries);
    if (broken.rows.length > 0) {
      return {
        ok: false,
        orgId,
        entries,
        brokenAt: { seq: Number(broken.rows[0].seq), reason: broken.rows[0].reason },
      };
    }
    // Rows removed from the end leave a consistent but shorter chain: the head still knows.
    if ((t.head_seq ?? 0) !== (t.last_seq ?? 0) || (t.head_hash ?? null) !== (t.last_hash ?? null)) {
      return { ok: false, orgId, entries, brokenAt: { seq: Number(t.last_seq ?? 0) + 1, reason: 'head_mismatch' } };
    }
    return { ok: true, orgId, entries, head: t.last_hash ?? null };
  });
}
