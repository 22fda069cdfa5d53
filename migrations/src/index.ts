import { foundation } from './001_foundation.ts';
import { escalation } from './002_escalation.ts';
import { runner } from './003_runner.ts';
import { auditAtCommit } from './004_audit_at_commit.ts';
import { openItems } from './005_open_items.ts';
import { auditChainPerCommit } from './006_audit_chain_per_commit.ts';
import { auditIntake } from './007_audit_intake.ts';
import { allocationReferences } from './008_allocation_references.ts';
import { ledgerLeaseReferences } from './009_ledger_lease_references.ts';
import { webhookBodyHash } from './010_webhook_body_hash.ts';
import type { Migration } from './migration.ts';

export type { Migration, MigrationContext } from './migration.ts';

/** Every migration, in order. Forward-only: a released migration is never edited. */
export const migrations: readonly Migration[] = [
  foundation,
  escalation,
  runner,
  auditAtCommit,
  openItems,
  auditChainPerCommit,
  auditIntake,
  allocationReferences,
  ledgerLeaseReferences,
  webhookBodyHash,
];
