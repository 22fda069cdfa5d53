import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { appendAudit } from './append.ts';
import { verifyAuditChain } from './verify.ts';

let db: TestDatabase;
const at = new Date('2026-03-01T10:00:00Z');

beforeAll(async () => {
  db = await openTestDatabase('audit');
  await seedOrg(db, 'org-a');
  await seedOrg(db, 'org-b');
  for (const org of ['org-a', 'org-b']) {
    for (let i = 1; i <= 5; i++) {
      await db.withOrg(org, (trx) =>
        appendAudit(trx, {
          orgId: org,
          at: new Date(at.getTime() + i * 1000),
          actor: 'user:agent-7',
          action: 'case.note',
          subjectType: 'lease',
          subjectId: 'L1',
          data: { n: i, note: `entry ${i}` },
        }),
      );
    }
  }
});
afterAll(() => db.close());

test('each org has its own chain, numbered from 1 and linked by hashes', async () => {
  const rows = await db.knex('audit_log').where({ org_id: 'org-a' }).orderBy('seq');
  expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
  expect(rows[0].prev_hash).toBe('0'.repeat(64));
  for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
  expect(await verifyAuditChain(db, 'org-a')).toMatchObject({ ok: true, entries: 5 });
});

test('UPDATE, DELETE and TRUNCATE are refused by the database, for the app and the owner alike', async () => {
  await expect(
    db.withOrg('org-a', (trx) => trx('audit_log').where({ org_id: 'org-a', seq: 2 }).update({ actor: 'x' })),
  ).rejects.toThrow(/permission denied|append-only/);
  await expect(db.knex('audit_log').where({ org_id: 'org-a', seq: 2 }).update({ actor: 'x' })).rejects.toThrow(
    /audit_log is append-only: UPDATE refused/,
  );
  await expect(db.knex('audit_log').where({ org_id: 'org-a', seq: 2 }).delete()).rejects.toThrow(
    /append-only: DELETE refused/,
  );
  await expect(db.knex.raw('truncate audit_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
});

test('a superuser edit behind the triggers is found, and verify names the first broken row', async () => {
  await db.knex.transaction(async (trx) => {
    await trx.raw(`set local session_replication_role = replica`); // disables the refusal triggers
    await trx.raw(
      `update audit_log set data = jsonb_set(data, '{note}', '"edited"') where org_id = 'org-b' and seq = 3`,
    );
  });
  expect(await verifyAuditChain(db, 'org-b')).toEqual({
    ok: false,
    orgId: 'org-b',
    entries: 5,
    brokenAt: { seq: 3, reason: 'hash_mismatch' },
  });
  // The other org's chain is untouched.
  expect(await verifyAuditChain(db, 'org-a')).toMatchObject({ ok: true });
});

test('deleting a row from the middle or the tail is found too', async () => {
  await seedOrg(db, 'org-c');
  for (let i = 1; i <= 4; i++) {
    await db.withOrg('org-c', (trx) =>
      appendAudit(trx, { orgId: 'org-c', at, actor: 'system', action: 'x', subjectType: 'lease', subjectId: 'L1' }),
    );
  }
  await db.knex.transaction(async (trx) => {
    await trx.raw(`set local session_replication_role = replica`);
    await trx.raw(`delete from audit_log where org_id = 'org-c' and seq = 4`);
  });
  expect(await verifyAuditChain(db, 'org-c')).toMatchObject({
    ok: false,
    brokenAt: { seq: 4, reason: 'head_mismatch' },
  });
  await db.knex.transaction(async (trx) => {
    await trx.raw(`set local session_replication_role = replica`);
    await trx.raw(`delete from audit_log where org_id = 'org-c' and seq = 2`);
  });
  expect(await verifyAuditChain(db, 'org-c')).toMatchObject({ ok: false, brokenAt: { seq: 3, reason: 'missing_row' } });
});

test('an audit row written in a transaction that rolls back does not exist', async () => {
  await expect(
    db.withOrg('org-a', async (trx) => {
      await appendAudit(trx, {
        orgId: 'org-a',
        at,
        actor: 'system',
        action: 'x',
        subjectType: 'lease',
        subjectId: 'L1',
      });
      throw new Error('change failed');
    }),
  ).rejects.toThrow('change failed');
  expect(await verifyAuditChain(db, 'org-a')).toMatchObject({ ok: true, entries: 5 });
});

test('writers of one org do not wait for each other: the chain is extended at COMMIT, in call order', async () => {
  await seedOrg(db, 'org-d');
  const entry = (action: string) => ({
    orgId: 'org-d',
    at,
    actor: 'system',
    action,
    subjectType: 'lease',
    subjectId: 'L1',
  });
  let releaseSlow!: () => void;
  const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
  let slowAppended!: () => void;
  const slowHasAppended = new Promise<void>((resolve) => (slowAppended = resolve));
  // An open transaction that has appended (before 004 it held the org's chain head from here on)…
  const slow = db.withOrg('org-d', async (trx) => {
    await appendAudit(trx, entry('slow.1'));
    await appendAudit(trx, entry('slow.2'));
    slowAppended();
    await slowMayCommit;
  });
  await slowHasAppended;
  // …does not block a second writer of the same org, which commits first and chains first.
  await db.withOrg('org-d', async (trx) => {
    await appendAudit(trx, entry('fast.1'));
    await appendAudit(trx, entry('fast.2'));
  });
  releaseSlow();
  await slow;
  const rows = await db.knex('audit_log').where({ org_id: 'org-d' }).orderBy('seq').pluck('action');
  expect(rows).toEqual(['fast.1', 'fast.2', 'slow.1', 'slow.2']);
  expect(Number((await db.knex('audit_intake').count({ n: '*' }))[0]!.n)).toBe(0);
  expect(await verifyAuditChain(db, 'org-d')).toMatchObject({ ok: true, entries: 4 });
});

test('a transaction of many rows is chained in one go, in call order; a direct insert is still chained', async () => {
  await seedOrg(db, 'org-e');
  const entry = (n: number) => ({
    orgId: 'org-e',
    at,
    actor: 'system',
    action: `bulk.${n}`,
    subjectType: 'lease',
    subjectId: `L${n}`,
  });
  await db.withOrg('org-e', async (trx) => {
    for (let n = 1; n <= 40; n++) await appendAudit(trx, entry(n));
  });
  // Two transactions interleaving their appends: each chains its own rows at its COMMIT.
  await Promise.all(
    [100, 200].map((base) =>
      db.withOrg('org-e', async (trx) => {
        for (let n = 1; n <= 10; n++) await appendAudit(trx, entry(base + n));
      }),
    ),
  );
  // A client inserting into audit_log itself (no staging) is chained by 001's row trigger.
  await db.withOrg('org-e', (trx) =>
    trx('audit_log').insert({
      org_id: 'org-e',
      seq: 0,
      at,
      actor: 'system',
      action: 'direct',
      subject_type: 'lease',
      subject_id: 'L0',
      prev_hash: '',
      hash: '',
    }),
  );
  const actions = await db.knex('audit_log').where({ org_id: 'org-e' }).orderBy('seq').pluck('action');
  expect(actions.slice(0, 40)).toEqual(Array.from({ length: 40 }, (_, i) => `bulk.${i + 1}`));
  const tail = actions.slice(40, 60);
  for (const base of [100, 200]) {
    const mine = tail.filter((a: string) => Number(a.split('.')[1]) > base && Number(a.split('.')[1]) <= base + 10);
    expect(mine).toEqual(Array.from({ length: 10 }, (_, i) => `bulk.${base + i + 1}`));
    // A transaction's rows are contiguous: chained together at its COMMIT.
    expect(tail.indexOf(mine[9]) - tail.indexOf(mine[0])).toBe(9);
  }
  expect(actions[60]).toBe('direct');
  expect(Number((await db.knex('audit_intake').count({ n: '*' }))[0]!.n)).toBe(0);
  expect(await verifyAuditChain(db, 'org-e')).toMatchObject({ ok: true, entries: 61 });
});
