import { rowsBeforeCommit } from '../db/before-commit.ts';
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
 * and only if the change it describes commits (a transaction of `withOrg` writes it just
 * before it commits). The row is staged in `audit_pending`; at COMMIT
 * a deferred trigger moves it into `audit_log`, where the chain trigger assigns its sequence
 * number and hash under the org's chain-head lock (migrations 001 and 004). Holding that lock
 * only during COMMIT lets the org's writers run side by side; rows chain in call order.
 */
export async function appendAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  const row = {
    org_id: entry.orgId,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    data: JSON.stringify(entry.data ?? {}),
  };
  // Held back and written in one statement before COMMIT (a round trip per row was a large
  // share of an evaluation's time); the order of the rows, and so of the chain, is call order.
  await pending.add(trx, row);
}

/** Rows per insert: well under PostgreSQL's 65,535 bind parameters (7 per row). */
const pending = rowsBeforeCommit<Record<string, unknown>>('audit', 5_000, async (trx, rows) => {
  await trx('audit_pending').insert(rows);
});
