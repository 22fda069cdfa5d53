import type { Database, Trx } from '../db/database.ts';
import { analyzeMasterTables } from '../db/statistics.ts';
import { appendAudit } from '../audit/append.ts';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import type { NumberedRecord } from '../ledger/validate.ts';
import { DEMO_ORG_ID, type DemoPortfolio } from './portfolio.ts';

const ROWS_PER_INSERT = 1000;
const EVENTS_PER_CHUNK = 5000;

async function insertAll(trx: Trx, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await trx(table).insert(rows.slice(i, i + ROWS_PER_INSERT));
}

/** Whether the demo org exists. Read as the owner: no org scope is needed to ask. */
export async function isDemoLoaded(db: Database): Promise<boolean> {
  return (await db.knex('orgs').where({ org_id: DEMO_ORG_ID }).first('org_id')) !== undefined;
}

/**
 * Loads a generated portfolio into an empty database: the org and its master data in one
 * org-scoped transaction, then the ledger through the ordinary ingest path (so allocations,
 * aging and audit rows are exactly what real feeds produce), in chunks.
 */
export async function loadDemoPortfolio(
  db: Database,
  portfolio: DemoPortfolio,
  now: Date,
): Promise<{ leases: number; events: number }> {
  const orgId = portfolio.org.org_id;
  const actor = 'system:demo';
  await db.withOrg(orgId, async (trx) => {
    await trx('orgs').insert(portfolio.org);
    await insertAll(trx, 'users', portfolio.users);
    await insertAll(trx, 'properties', portfolio.properties);
    await insertAll(
      trx,
      'leases',
      portfolio.leases.map((lease) => ({ ...lease, late_fee: JSON.stringify(lease.late_fee) })),
    );
    await insertAll(trx, 'tenants', portfolio.tenants);
    await insertAll(trx, 'lease_tenants', portfolio.lease_tenants);
    await insertAll(trx, 'contact_points', portfolio.contact_points);
    await insertAll(trx, 'tenant_consents', portfolio.tenant_consents);
  });
  await analyzeMasterTables(db);

  const records: NumberedRecord[] = portfolio.events.map((value, i) => ({ row: i + 1, value }));
  let inserted = 0;
  for (let i = 0; i < records.length; i += EVENTS_PER_CHUNK) {
    const chunk = records.slice(i, i + EVENTS_PER_CHUNK);
    const result = await ingestLedgerEvents(db, { orgId, source: 'demo', actor, now }, chunk);
    if (result.rejected.length > 0) {
      // The generator made an event the ledger refuses: a bug there, not a data problem.
      const first = result.rejected[0]!;
      throw new Error(
        `demo portfolio: ${result.rejected.length} ledger events rejected, first row ${first.row}: ${first.message}`,
      );
    }
    inserted += result.inserted;
  }

  await db.withOrg(orgId, (trx) =>
    appendAudit(trx, {
      orgId,
      at: now,
      actor,
      action: 'demo.loaded',
      subjectType: 'org',
      subjectId: orgId,
      data: {
        properties: portfolio.properties.length,
        leases: portfolio.leases.length,
        tenants: portfolio.tenants.length,
        events: inserted,
      },
    }),
  );
  return { leases: portfolio.leases.length, events: inserted };
}
