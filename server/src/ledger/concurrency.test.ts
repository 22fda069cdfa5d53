import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { ingestChunk, ingestLedgerEvents, type IngestContext } from './ingest.ts';
import { payment, rent } from './testing/events.ts';

// Deliveries that race each other, each in its own transaction, on real PostgreSQL.

const NOW = new Date('2026-03-10T12:00:00Z');
let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase('ledger_races');
});
afterAll(() => db.close());

const ctx = (over: Partial<IngestContext> = {}): IngestContext => ({
  orgId: 'org-a',
  source: 'api',
  actor: 'test',
  now: NOW,
  ...over,
});

test('concurrent deliveries to one lease never pay a charge twice', async () => {
  await seedOrg(db, 'org-c', [{ id: 'P1' }], [{ id: 'C1' }]);
  const c = (over: Partial<IngestContext> = {}) => ({ ...ctx(), orgId: 'org-c', ...over });
  await ingestLedgerEvents(db, c(), [
    { row: 1, value: rent('C1', 'C1-JAN', '2026-01-01', 1000) },
    { row: 2, value: rent('C1', 'C1-FEB', '2026-02-01', 1000) },
  ]);
  // Ten payments of 200 cents arriving at once, each in its own transaction.
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      ingestLedgerEvents(db, c(), [{ row: 1, value: payment('C1', `C1-PAY-${i}`, '2026-02-05', 200) }]),
    ),
  );
  const perCharge = await db
    .knex('allocations as a')
    .join('ledger_entries as e', 'e.id', 'a.charge_id')
    .where('a.org_id', 'org-c')
    .groupBy('e.external_id')
    .orderBy('e.external_id')
    .select('e.external_id', db.knex.raw('sum(a.amount_cents)::int8 as paid'));
  expect(perCharge).toEqual([
    { external_id: 'C1-FEB', paid: 1000 },
    { external_id: 'C1-JAN', paid: 1000 },
  ]);
});

test('a delivery racing another transaction with the same id but different content is a conflict, not a duplicate', async () => {
  await seedOrg(db, 'org-race', [{ id: 'P1' }], [{ id: 'D1' }, { id: 'D2' }]);
  const d = ctx({ orgId: 'org-race' });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  // The first delivery has inserted its entry and holds its transaction open…
  let inserted!: () => void;
  const hasInserted = new Promise<void>((resolve) => (inserted = resolve));
  const first = db.withOrg('org-race', async (trx) => {
    const result = await ingestChunk(trx, db, d, [{ row: 1, value: payment('D1', 'PAY-X', '2026-03-01', 500) }]);
    inserted();
    await gate;
    return result;
  });
  await hasInserted;
  // …while a second one, for another lease (so no lease lock orders them), waits on its key.
  const second = ingestLedgerEvents(db, d, [{ row: 1, value: payment('D2', 'PAY-X', '2026-03-01', 700) }]);
  for (let i = 0; i < 200; i++) {
    const waiting = await db.knex.raw<{ rows: unknown[] }>(
      `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
         and query like '%insert into ledger_entries%'`,
    );
    if (waiting.rows.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  release();
  expect((await first).inserted).toBe(1);
  const result = await second;
  expect(result).toMatchObject({ inserted: 0, duplicates: 0 });
  expect(result.rejected).toEqual([
    expect.objectContaining({ row: 1, code: 'conflict', field: 'lease_id', external_id: 'PAY-X' }),
  ]);
  expect(await db.knex('ledger_entries').where({ org_id: 'org-race' }).pluck('lease_id')).toEqual(['D1']);
});
