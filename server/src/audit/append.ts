import type { Trx } from '../db/database.ts';

export interface AuditEntry {
  orgId: string;
  at: Date;
  /** Who did it: a user id, `api-key:<id>`, or `system:<component>`. */
  actor: string;
  /** Dotted verb, e.g. `ledger.ingest`, `case.transition`, `approval.granted`. */
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
}

/**
 * Appends to the org's hash chain inside the caller's transaction, so the record exists if
 * and only if the change it describes commits. Sequence and hashes are assigned by the
 * database trigger (migrations), which serialises appends per org on the chain head row.
 */
export async function appendAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  await trx('audit_log').insert({
    org_id: entry.orgId,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    data: JSON.stringify(entry.data ?? {}),
    // Filled by the trigger; present here only because the columns are not null.
    seq: 0,
    prev_hash: '',
    hash: '',
  });
}
