import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { insertRecords } from './insert-records.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase('insert_records');
  await db.knex('orgs').insert([
    { org_id: 'org-a', name: 'A' },
    { org_id: 'org-b', name: 'B' },
  ]);
  await db.knex('properties').insert({
    org_id: 'org-a',
    id: 'P1',
    name: 'P1',
    jurisdiction: 'US-CA',
    timezone: 'America/Los_Angeles',
    units: 1,
  });
  await db.knex('leases').insert({
    org_id: 'org-a',
    id: 'L1',
    property_id: 'P1',
    kind: 'residential',
    rent_cents: 100_000,
    due_day: 1,
    grace_days: 5,
  });
});

afterAll(() => db.close());

const at = new Date('2026-03-05T17:59:00.123Z');

test('rows arrive with their types: jsonb as documents, instants exact, absent columns take defaults', async () => {
  await db.withOrg('org-a', async (trx) => {
    await insertRecords(trx, 'cases', [
      { org_id: 'org-a', id: 'L1', lease_id: 'L1', level: 'L2', state: { level: 'L2', n: [1, 2] }, opened_at: at },
    ]);
    const events = await insertRecords<{ id: string; data: unknown }>(
      trx,
      'case_events',
      [
        {
          org_id: 'org-a',
          case_id: 'L1',
          at,
          type: 'a',
          actor: 'x',
          data: { quote: 'it\'s "fine"', nested: { z: null } },
        },
        { org_id: 'org-a', case_id: 'L1', at, type: 'b', actor: 'x', data: {} },
      ],
      'returning id, data',
    );
    expect(events.map((e) => e.data)).toEqual([{ quote: 'it\'s "fine"', nested: { z: null } }, {}]);
  });
  const row = await db.knex('cases').where({ org_id: 'org-a', id: 'L1' }).first();
  // A document, not a JSON string; status and version took their column defaults.
  expect(row).toMatchObject({ state: { level: 'L2', n: [1, 2] }, status: 'open', version: 0 });
  expect(new Date(row.opened_at).toISOString()).toBe(at.toISOString());
  const types = await db.knex('case_events').orderBy('id').pluck('type');
  expect(types).toEqual(['a', 'b']);
});

test('the tail clause applies: a conflicting key is skipped and only the new rows are returned', async () => {
  const inserted = await db.withOrg('org-a', (trx) =>
    insertRecords<{ id: string }>(
      trx,
      'cases',
      [
        { org_id: 'org-a', id: 'L1', lease_id: 'L1', status: 'open', opened_at: at },
        { org_id: 'org-a', id: 'L1-closed', lease_id: 'L1', status: 'closed', opened_at: at },
      ],
      'on conflict (org_id, id) do nothing returning id',
    ),
  );
  expect(inserted).toEqual([{ id: 'L1-closed' }]);
});

test('row-level security still applies: another org’s row is refused', async () => {
  await expect(
    db.withOrg('org-a', (trx) =>
      insertRecords(trx, 'case_events', [{ org_id: 'org-b', case_id: 'L1', at, type: 'a', actor: 'x', data: {} }]),
    ),
  ).rejects.toThrow(/row-level security/);
});

test('names that are not plain identifiers are refused before any SQL is sent', async () => {
  await expect(
    db.withOrg('org-a', (trx) => insertRecords(trx, 'cases; drop table cases', [{ org_id: 'org-a' }])),
  ).rejects.toThrow(/not a plain identifier/);
  await expect(db.withOrg('org-a', (trx) => insertRecords(trx, 'cases', [{ 'id"x': 1 }]))).rejects.toThrow(
    /not a plain identifier/,
  );
});
