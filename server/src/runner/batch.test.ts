import { appendAudit } from '../audit/append.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { inOneTransaction, lanesOf } from './batch.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase('batch');
  await seedOrg(db, 'org-a');
});
afterAll(() => db.close());

const txid = async (trx: Parameters<Parameters<TestDatabase['withOrg']>[1]>[0]) =>
  String((await trx.raw('select txid_current() as id')).rows[0].id);

const audit = (trx: Parameters<Parameters<TestDatabase['withOrg']>[1]>[0], subject: string) =>
  appendAudit(trx, {
    orgId: 'org-a',
    at: new Date(),
    actor: 'test',
    action: 'batch.item',
    subjectType: 'item',
    subjectId: subject,
  });

test('a batch shares one transaction, and what runs after it sees it committed', async () => {
  const finished: string[] = [];
  const outcomes = await inOneTransaction(
    db,
    'org-a',
    ['a', 'b', 'c'],
    async (trx, item) => {
      await audit(trx, item);
      return { item, tx: await txid(trx) };
    },
    async (p) => {
      const rows = await db.knex('audit_log').where({ org_id: 'org-a', subject_id: p.item }).count({ n: '*' });
      finished.push(`${p.item}:${rows[0]!.n}`);
      return p;
    },
  );
  expect(outcomes.every((o) => o.ok)).toBe(true);
  const txs = new Set(outcomes.map((o) => (o.ok ? o.value.tx : '')));
  expect(txs.size).toBe(1);
  // The post-commit steps run side by side (batch.ts): each saw the commit, in whatever order they ended.
  expect([...finished].sort()).toEqual(['a:1', 'b:1', 'c:1']);
});

test('one failing item: nothing of the shared transaction is kept, the others succeed alone, it fails alone', async () => {
  const outcomes = await inOneTransaction(
    db,
    'org-a',
    ['d', 'bad', 'e'],
    async (trx, item) => {
      await audit(trx, item);
      if (item === 'bad') throw new Error('item bad cannot be processed');
      return { item, tx: await txid(trx) };
    },
    async (p) => p,
  );
  expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
  expect(outcomes[1]).toMatchObject({ ok: false, error: new Error('item bad cannot be processed') });
  // Each good item in its own transaction, each written once (the rolled-back attempt left nothing).
  const [first, , last] = outcomes;
  expect(first?.ok && last?.ok && first.value.tx !== last.value.tx).toBe(true);
  const subjects = await db
    .knex('audit_log')
    .where({ org_id: 'org-a' })
    .whereIn('subject_id', ['d', 'bad', 'e'])
    .pluck('subject_id');
  expect(subjects.sort()).toEqual(['d', 'e']);
  expect(await verifyAuditChain(db, 'org-a')).toMatchObject({ ok: true });
});

test('a failing finish fails only its own item', async () => {
  const outcomes = await inOneTransaction(
    db,
    'org-a',
    [1, 2],
    async (_trx, n) => n,
    async (n) => {
      if (n === 1) throw new Error('provider down');
      return n;
    },
  );
  expect(outcomes).toEqual([
    { ok: false, error: new Error('provider down') },
    { ok: true, value: 2 },
  ]);
});

test('lanes: contiguous runs of near-equal length, never more lanes than items', () => {
  expect(lanesOf([1, 2, 3, 4, 5], 2)).toEqual([
    [1, 2, 3],
    [4, 5],
  ]);
  expect(lanesOf([1, 2], 4)).toEqual([[1], [2]]);
  expect(lanesOf([], 4)).toEqual([]);
});
