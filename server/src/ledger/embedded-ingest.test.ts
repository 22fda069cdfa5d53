import type { Database } from '../db/database.ts';
import { openEmbeddedTestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { leaseAging } from './aging.ts';
import { ingestLedgerEvents } from './ingest.ts';

// The embedded path loads the stage with an unnest insert instead of COPY; same merge after.
let db: Database;
beforeAll(async () => {
  db = await openEmbeddedTestDatabase();
  await seedOrg(db, 'org-a');
});
afterAll(() => db.close());

test('ingest, re-delivery, reversal and aging behave the same on PGlite', async () => {
  const ctx = { orgId: 'org-a', source: 'api', actor: 'test', now: new Date('2026-03-10T00:00:00Z') };
  const events = [
    {
      kind: 'charge',
      charge_type: 'rent',
      lease_id: 'L1',
      external_id: 'FEB',
      amount_cents: 200_000,
      effective_on: '2026-02-01',
    },
    {
      kind: 'charge',
      charge_type: 'rent',
      lease_id: 'L1',
      external_id: 'MAR',
      amount_cents: 200_000,
      effective_on: '2026-03-01',
    },
    {
      kind: 'payment',
      lease_id: 'L1',
      external_id: 'PAY',
      amount_cents: 200_000,
      effective_on: '2026-03-05',
      memo: 'tab\there',
    },
  ];
  const rows = (list: unknown[]) => list.map((value, i) => ({ row: i + 1, value }));
  expect(await ingestLedgerEvents(db, ctx, rows(events))).toMatchObject({ inserted: 3, duplicates: 0, rejected: [] });
  expect(await ingestLedgerEvents(db, ctx, rows(events))).toMatchObject({ inserted: 0, duplicates: 3 });
  await ingestLedgerEvents(
    db,
    ctx,
    rows([{ kind: 'reversal', lease_id: 'L1', external_id: 'NSF', reverses: 'PAY', effective_on: '2026-03-09' }]),
  );
  const [aging] = await db.withOrg('org-a', (trx) => leaseAging(trx, 'org-a', { date: '2026-03-09' }));
  expect(aging).toMatchObject({ balance_cents: 400_000, days_past_due: 36, oldest_unpaid_due_on: '2026-02-01' });
  // Two audit rows: the all-duplicate re-delivery changed nothing, so it recorded nothing.
  expect(await verifyAuditChain(db, 'org-a')).toMatchObject({ ok: true, entries: 2 });
});
