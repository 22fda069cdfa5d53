import { rowsBeforeCommit } from '../db/before-commit.ts';
import type { Trx } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';

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
 * and only if the change it describes commits. A transaction of `withOrg` holds its rows back
 * and hands them over, in call order, as its last statement before COMMIT: one `audit_intake`
 * row per org, whose trigger assigns each row its sequence number and hash under the org's
 * chain-head lock (migration 007). The lock is held from that statement to the end of COMMIT,
 * so the org's writers run side by side until then; rows chain in call order.
 */
export async function appendAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  await pending.add(trx, {
    org_id: entry.orgId,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    data: entry.data ?? {},
  });
}

interface PendingRow {
  org_id: string;
  at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
}

/** Rows per statement, so one statement's JSON parameter stays a few megabytes at most. */
const pending = rowsBeforeCommit<PendingRow>(
  'audit',
  5_000,
  async (trx, rows) => {
    // One intake row per org, each org's rows in call order.
    const byOrg = new Map<string, Omit<PendingRow, 'org_id'>[]>();
    for (const { org_id, ...row } of rows) {
      const list = byOrg.get(org_id);
      if (list) list.push(row);
      else byOrg.set(org_id, [row]);
    }
    for (const [orgId, list] of byOrg)
      await prepared(
        trx,
        'arrears_audit_intake_v1',
        trx.raw(`insert into audit_intake (org_id, rows) values (?, cast(? as jsonb))`, [orgId, JSON.stringify(list)]),
      );
  },
  { last: true },
);
