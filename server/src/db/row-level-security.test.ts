import { openEmbeddedTestDatabase, openTestDatabase } from '../testing/database.ts';
import type { Database } from './database.ts';

async function seedTwoOrgs(db: Database): Promise<void> {
  // Seeding runs as the owner (migrations' user), which row-level security does not bind.
  await db.knex('orgs').insert([
    { org_id: 'org-a', name: 'A' },
    { org_id: 'org-b', name: 'B' },
  ]);
  await db.knex('properties').insert([
    { org_id: 'org-a', id: 'P1', name: 'A tower', jurisdiction: 'US-CA', timezone: 'America/Los_Angeles', units: 10 },
    { org_id: 'org-b', id: 'P1', name: 'B tower', jurisdiction: 'US-NY', timezone: 'America/New_York', units: 4 },
  ]);
}

async function expectIsolation(db: Database): Promise<void> {
  const seenByA = await db.withOrg('org-a', (trx) => trx('properties').select('org_id', 'name'));
  expect(seenByA).toEqual([{ org_id: 'org-a', name: 'A tower' }]);

  const seenByB = await db.withOrg('org-b', (trx) => trx('properties').select('org_id', 'name'));
  expect(seenByB).toEqual([{ org_id: 'org-b', name: 'B tower' }]);

  // Even an explicit filter for the other org finds nothing.
  const peek = await db.withOrg('org-a', (trx) => trx('properties').where({ org_id: 'org-b' }));
  expect(peek).toEqual([]);

  // No org set: the application role sees nothing at all.
  const none = await db.knex.transaction(async (trx) => {
    await trx.raw(`select set_config('role', ?, true)`, [db.appRole]);
    return trx('properties').select();
  });
  expect(none).toEqual([]);

  // Writing another org's row is refused by the policy, not by application code.
  await expect(
    db.withOrg('org-a', (trx) =>
      trx('properties').insert({
        org_id: 'org-b',
        id: 'P9',
        name: 'sneaky',
        jurisdiction: 'US-TX',
        timezone: 'America/Chicago',
        units: 1,
      }),
    ),
  ).rejects.toThrow(/row-level security/);

  // Updates cannot reach across either.
  const updated = await db.withOrg('org-a', (trx) =>
    trx('properties').where({ org_id: 'org-b' }).update({ name: 'x' }),
  );
  expect(updated).toBe(0);

  // The scope ends with the transaction: the pooled connection is back to the owner role.
  const role = await db.knex.raw('select current_user as role, current_setting(?, true) as org', ['app.org_id']);
  expect(role.rows[0].role).not.toBe(db.appRole);
  expect(role.rows[0].org ?? '').toBe('');
}

describe('row-level security on PostgreSQL', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase('rls');
    await seedTwoOrgs(db);
  });
  afterAll(() => db.close());

  test('org A never reads org B, and no org reads nothing', () => expectIsolation(db));
});

describe('row-level security on embedded PGlite', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openEmbeddedTestDatabase();
    await seedTwoOrgs(db);
  });
  afterAll(() => db.close());

  test('the same policies hold', () => expectIsolation(db));
});
