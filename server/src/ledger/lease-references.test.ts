import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { ingestLedgerEvents } from './ingest.ts';

// Ledger entries reference their lease through a statement trigger (migration 009), not a
// foreign key: the same guarantees, checked once per statement.

let db: TestDatabase;
const NOW = new Date('2026-03-10T12:00:00Z');

beforeAll(async () => {
  db = await openTestDatabase('lease_refs');
  await seedOrg(db, 'org-a', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'EMPTY' }]);
  await seedOrg(db, 'org-b', [{ id: 'P1' }], [{ id: 'B1' }]);
  const result = await ingestLedgerEvents(db, { orgId: 'org-a', source: 'api', actor: 'test', now: NOW }, [
    {
      row: 1,
      value: {
        kind: 'charge',
        charge_type: 'rent',
        lease_id: 'L1',
        external_id: 'R1',
        amount_cents: 1000,
        effective_on: '2026-03-01',
      },
    },
  ]);
  expect(result.inserted).toBe(1);
});
afterAll(() => db.close());

const entry = (leaseId: string, externalId: string, orgId = 'org-a') => ({
  org_id: orgId,
  lease_id: leaseId,
  source: 'api',
  external_id: externalId,
  kind: 'payment',
  amount_cents: 100,
  effective_on: '2026-03-02',
  recorded_at: NOW,
});

test('an entry for a lease that does not exist refuses the whole statement, for the owner too', async () => {
  const before = await db.knex('ledger_entries').count({ n: '*' });
  await expect(db.knex('ledger_entries').insert([entry('L1', 'OK-1'), entry('NOPE', 'BAD-1')])).rejects.toMatchObject({
    code: '23503',
    message: expect.stringMatching(/references lease NOPE of org org-a, which does not exist/),
  });
  // Another org's lease is no lease of this org: the (org, lease) pair must exist.
  await expect(db.knex('ledger_entries').insert(entry('B1', 'BAD-2'))).rejects.toMatchObject({ code: '23503' });
  expect(await db.knex('ledger_entries').count({ n: '*' })).toEqual(before);
  await db.knex('ledger_entries').insert(entry('L1', 'OK-2'));
});

test("the application role gets the same refusal inside an org's transaction", async () => {
  await expect(db.withOrg('org-a', (trx) => trx('ledger_entries').insert(entry('B1', 'BAD-3')))).rejects.toMatchObject({
    code: '23503',
  });
  await db.withOrg('org-a', (trx) => trx('ledger_entries').insert(entry('L1', 'OK-3')));
  expect(await db.knex('ledger_entries').whereIn('external_id', ['BAD-3', 'OK-3']).pluck('external_id')).toEqual([
    'OK-3',
  ]);
});

test('a lease with ledger entries cannot be deleted or re-keyed; one without can, and other updates pass', async () => {
  await expect(db.knex('leases').where({ org_id: 'org-a', id: 'L1' }).del()).rejects.toMatchObject({
    code: '23503',
    message: expect.stringMatching(/lease L1 of org org-a has ledger entries/),
  });
  await expect(db.knex('leases').where({ org_id: 'org-a', id: 'L1' }).update({ id: 'L1-NEW' })).rejects.toMatchObject({
    code: '23503',
  });
  await db.knex('leases').where({ org_id: 'org-a', id: 'L1' }).update({ id: 'L1', rent_cents: 123_400 });
  expect(await db.knex('leases').where({ org_id: 'org-a', id: 'L1' }).first('rent_cents')).toEqual({
    rent_cents: 123_400,
  });
  await db.knex('leases').where({ org_id: 'org-a', id: 'EMPTY' }).del();
  expect(await db.knex('leases').where({ org_id: 'org-a', id: 'EMPTY' }).first()).toBeUndefined();
});
