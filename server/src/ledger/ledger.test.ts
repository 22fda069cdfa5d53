import type { IngestResult } from '@arrears/shared';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { leaseAging, leaseAgingQuery, type AgingSource } from './aging.ts';
import { rebuildOpenItems } from './allocate.ts';
import { ingestLedgerEvents, type IngestContext } from './ingest.ts';
import { payment, rent } from './testing/events.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase('ledger');
  await seedOrg(
    db,
    'org-a',
    [
      { id: 'LA', timezone: 'America/Los_Angeles' },
      { id: 'NY', timezone: 'America/New_York', jurisdiction: 'US-NY' },
    ],
    ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'L8']
      .map((id) => ({ id, property: 'LA' }))
      .concat([{ id: 'N1', property: 'NY' }]),
  );
  await seedOrg(db, 'org-b', [{ id: 'P1' }], [{ id: 'B1' }]);
});
afterAll(() => db.close());

const ctx = (over: Partial<IngestContext> = {}): IngestContext => ({
  orgId: 'org-a',
  source: 'api',
  actor: 'test',
  now: NOW,
  ...over,
});

const ingest = (events: unknown[], over: Partial<IngestContext> = {}): Promise<IngestResult> =>
  ingestLedgerEvents(
    db,
    ctx(over),
    events.map((value, i) => ({ row: i + 1, value })),
  );

const entries = (lease: string) => db.knex('ledger_entries').where({ org_id: 'org-a', lease_id: lease }).orderBy('id');
const agingOf = async (lease: string, date: string) =>
  (await db.withOrg('org-a', (trx) => leaseAging(trx, 'org-a', { date }, [lease])))[0]!;

test('a payment delivered three times is one ledger entry', async () => {
  await ingest([rent('L1', 'R1', '2026-03-01')]);
  const pay = payment('L1', 'PAY-1', '2026-03-05', 200_000);
  const results = [await ingest([pay]), await ingest([pay]), await ingest([pay, pay])];
  expect(results.map((r) => [r.inserted, r.duplicates])).toEqual([
    [1, 0],
    [0, 1],
    [0, 2],
  ]);
  expect((await entries('L1')).filter((e) => e.kind === 'payment')).toHaveLength(1);
  expect((await agingOf('L1', '2026-03-10')).balance_cents).toBe(0);
});

test('a conflicting re-delivery is rejected with a clear error, recorded, and changes nothing', async () => {
  await ingest([rent('L2', 'R2', '2026-03-01'), payment('L2', 'PAY-2', '2026-03-03', 100_000)]);
  const before = await entries('L2');
  const result = await ingest([payment('L2', 'PAY-2', '2026-03-03', 150_000)]);
  expect(result.inserted).toBe(0);
  expect(result.rejected).toEqual([
    {
      row: 1,
      external_id: 'PAY-2',
      code: 'conflict',
      field: 'amount_cents',
      message: expect.stringContaining(
        'PAY-2 was already recorded with amount_cents 100000; this delivery says 150000',
      ),
    },
  ]);
  expect(await entries('L2')).toEqual(before);
  const recorded = await db.knex('ingest_rejections').where({ org_id: 'org-a', external_id: 'PAY-2' });
  expect(recorded).toHaveLength(1);
  expect(recorded[0].payload).toMatchObject({ amount_cents: 150_000 });

  // Moving the payment to another lease is a conflict too.
  const moved = await ingest([payment('L3', 'PAY-2', '2026-03-03', 100_000)]);
  expect(moved.rejected[0]).toMatchObject({ code: 'conflict', field: 'lease_id' });
});

test('payments allocate to the oldest open charge first, as explicit rows', async () => {
  await ingest([
    rent('L3', 'R3-MAR', '2026-03-01'),
    rent('L3', 'R3-JAN', '2026-01-01'),
    rent('L3', 'R3-FEB', '2026-02-01'),
    payment('L3', 'P3', '2026-03-02', 250_000),
  ]);
  const rows = await db
    .knex('allocations as a')
    .join('ledger_entries as c', 'c.id', 'a.charge_id')
    .where('a.lease_id', 'L3')
    .orderBy('c.due_on')
    .select('c.external_id', 'a.amount_cents', 'a.applied_on');
  expect(rows).toEqual([
    { external_id: 'R3-JAN', amount_cents: 200_000, applied_on: '2026-03-02' },
    { external_id: 'R3-FEB', amount_cents: 50_000, applied_on: '2026-03-02' },
  ]);
  const aging = await agingOf('L3', '2026-03-10');
  expect(aging).toMatchObject({ balance_cents: 350_000, oldest_unpaid_due_on: '2026-02-01', days_past_due: 37 });
  expect(aging.aging).toMatchObject({ d0_30_cents: 200_000, d31_60_cents: 150_000 });

  // An overpayment stays as an unapplied credit and pays the next charge when it posts.
  await ingest([payment('L3', 'P3b', '2026-03-05', 400_000)]);
  expect(await agingOf('L3', '2026-03-10')).toMatchObject({ balance_cents: -50_000, unapplied_credit_cents: 50_000 });
  await ingest([rent('L3', 'R3-APR', '2026-04-01')]);
  expect(await agingOf('L3', '2026-04-02')).toMatchObject({ balance_cents: 150_000, past_due_cents: 150_000 });
});

test('an NSF reversal re-opens exactly the charges its payment paid, at their original age', async () => {
  await ingest([rent('L4', 'FEB', '2026-02-01'), rent('L4', 'MAR', '2026-03-01')]);
  await ingest([payment('L4', 'PAY', '2026-03-05', 200_000)]);
  expect(await agingOf('L4', '2026-03-05')).toMatchObject({ oldest_unpaid_due_on: '2026-03-01', days_past_due: 4 });

  // Delivered twice, like a webhook; and once before the payment would be an error.
  const nsf = { kind: 'reversal', lease_id: 'L4', external_id: 'NSF-1', reverses: 'PAY', effective_on: '2026-03-09' };
  expect((await ingest([nsf])).inserted).toBe(1);
  expect((await ingest([nsf])).duplicates).toBe(1);

  const after = await agingOf('L4', '2026-03-09');
  expect(after).toMatchObject({ balance_cents: 400_000, oldest_unpaid_due_on: '2026-02-01', days_past_due: 36 });
  // History is kept: as of Mar 6 the payment still counted.
  expect(await agingOf('L4', '2026-03-06')).toMatchObject({ balance_cents: 200_000, days_past_due: 5 });
  // A second reversal of the same payment is refused.
  const again = await ingest([{ ...nsf, external_id: 'NSF-2' }]);
  expect(again.rejected[0]).toMatchObject({
    code: 'reversal_mismatch',
    message: 'reverses: payment PAY is already reversed',
  });
});

test('a reversal of a payment that later payments did not touch leaves their allocations alone', async () => {
  await ingest([rent('L5', 'L5-JAN', '2026-01-01'), rent('L5', 'L5-FEB', '2026-02-01')]);
  await ingest([payment('L5', 'L5-P1', '2026-01-03', 200_000), payment('L5', 'L5-P2', '2026-02-03', 200_000)]);
  await ingest([
    { kind: 'reversal', lease_id: 'L5', external_id: 'L5-R-P1', reverses: 'L5-P1', effective_on: '2026-02-10' },
  ]);
  // JAN re-opens (P1 paid it); FEB stays paid by P2.
  expect(await agingOf('L5', '2026-02-10')).toMatchObject({
    balance_cents: 200_000,
    oldest_unpaid_due_on: '2026-01-01',
    days_past_due: 40,
  });
});

test('a credit that brings the balance to zero clears the delinquency (Kill Bill #695)', async () => {
  await ingest([rent('L6', 'R6', '2026-01-01', 5000), { ...payment('L6', 'C6', '2026-02-15', 5000), kind: 'credit' }]);
  expect(await agingOf('L6', '2026-03-01')).toMatchObject({ balance_cents: 0, days_past_due: 0, past_due_cents: 0 });
});

test('aging buckets at their edges, and charges not yet due are never overdue', async () => {
  await ingest([rent('L7', 'R7', '2026-01-01', 1000), rent('L7', 'R7-NEXT', '2026-06-01', 500)]);
  const bucketOn = async (date: string) => {
    const a = await agingOf('L7', date);
    return [a.days_past_due, a.aging];
  };
  const b = (d0: number, d31: number, d61: number, d90: number) => ({
    not_due_cents: 0,
    d0_30_cents: d0,
    d31_60_cents: d31,
    d61_90_cents: d61,
    d90_plus_cents: d90,
  });
  expect(await bucketOn('2026-01-01')).toEqual([0, b(1000, 0, 0, 0)]);
  expect(await bucketOn('2026-01-31')).toEqual([30, b(1000, 0, 0, 0)]);
  expect(await bucketOn('2026-02-01')).toEqual([31, b(0, 1000, 0, 0)]);
  expect(await bucketOn('2026-03-02')).toEqual([60, b(0, 1000, 0, 0)]);
  expect(await bucketOn('2026-03-03')).toEqual([61, b(0, 0, 1000, 0)]);
  expect(await bucketOn('2026-04-01')).toEqual([90, b(0, 0, 1000, 0)]);
  expect(await bucketOn('2026-04-02')).toEqual([91, b(0, 0, 0, 1000)]);
  // Posted ahead of its due date: counted in the balance, reported as not yet due.
  await ingest([rent('L7', 'R7-EARLY', '2026-05-01', 700)].map((r) => ({ ...r, effective_on: '2026-04-20' })));
  const early = await agingOf('L7', '2026-04-25');
  expect(early.aging.not_due_cents).toBe(700);
  expect(early.past_due_cents).toBe(1000);
  // Before a charge's posting date it does not exist yet.
  expect((await agingOf('L7', '2025-12-31')).balance_cents).toBe(0);
});

test('an instant is read as each property’s own local day', async () => {
  await ingest([rent('L8', 'R8', '2026-03-01', 1000), rent('N1', 'RN', '2026-03-01', 1000)]);
  // 2026-03-31T05:30Z is still Mar 30 in Los Angeles but already Mar 31 in New York.
  const instant = new Date('2026-03-31T05:30:00Z');
  const rows = await db.withOrg('org-a', (trx) => leaseAging(trx, 'org-a', { instant }, ['L8', 'N1']));
  expect(rows.map((r) => [r.lease_id, r.as_of, r.days_past_due, r.aging.d0_30_cents, r.aging.d31_60_cents])).toEqual([
    ['L8', '2026-03-30', 29, 1000, 0],
    ['N1', '2026-03-31', 30, 1000, 0],
  ]);
  const later = await db.withOrg('org-a', (trx) =>
    leaseAging(trx, 'org-a', { instant: new Date('2026-04-01T05:30:00Z') }, ['L8', 'N1']),
  );
  expect(later.map((r) => [r.lease_id, r.days_past_due])).toEqual([
    ['L8', 30],
    ['N1', 31],
  ]);
});

test('bad events are reported with row and field; good ones are kept unless strict', async () => {
  const events = [
    rent('L1', 'OK-1', '2026-04-01'),
    { ...rent('L1', 'BAD-1', '2026-04-01'), amount_cents: -5 },
    { ...rent('L1', 'BAD-2', '2026-04-01'), due_on: '2026-02-30' },
    rent('NOPE', 'BAD-3', '2026-04-01'),
    { kind: 'refund', lease_id: 'L1', external_id: 'BAD-4' },
    { kind: 'reversal', lease_id: 'L1', external_id: 'BAD-5', reverses: 'GHOST', effective_on: '2026-04-02' },
  ];
  const strict = await ingest(events, { strict: true, source: 'csv' });
  expect(strict.committed).toBe(false);
  expect(strict.inserted).toBe(0);
  expect(await db.knex('ledger_entries').where({ source: 'csv' })).toHaveLength(0);

  const lenient = await ingest(events, { source: 'csv' });
  expect(lenient.committed).toBe(true);
  expect(lenient.inserted).toBe(1);
  expect(lenient.rejected.map((r) => [r.row, r.code, r.field, r.message])).toEqual([
    [2, 'invalid', 'amount_cents', 'amount_cents: expected a positive integer number of cents'],
    [3, 'invalid', 'due_on', 'due_on: not a real calendar date'],
    [4, 'unknown_lease', 'lease_id', 'lease_id: no lease "NOPE" in this org'],
    // No valid kind: the fields every kind has are checked too (effective_on is missing).
    [
      5,
      'invalid',
      'kind',
      'kind: expected kind to be one of charge, payment, credit, write_off, reversal; effective_on: expected a date as YYYY-MM-DD',
    ],
    [6, 'unknown_payment', 'reverses', 'reverses: no payment "GHOST" from this source; send the payment first'],
  ]);
});

test('one org cannot post to, or read, another org’s lease', async () => {
  const result = await ingest([rent('B1', 'X-1', '2026-03-01')]);
  expect(result.rejected[0]).toMatchObject({ code: 'unknown_lease' });
  const seen = await db.withOrg('org-a', (trx) => leaseAging(trx, 'org-a', { date: '2026-03-10' }, ['B1']));
  expect(seen).toEqual([]);
  const crossOrg = await db.withOrg('org-a', (trx) => leaseAging(trx, 'org-b', { date: '2026-03-10' }));
  expect(crossOrg).toEqual([]);
});

test('every ingest writes an audit row in the same transaction', async () => {
  const before = await db.knex('audit_log').where({ org_id: 'org-a' }).count<{ count: string }[]>('* as count');
  await ingest([rent('L1', 'AUD-1', '2026-05-01')]);
  const after = await db.knex('audit_log').where({ org_id: 'org-a' }).orderBy('seq', 'desc').first();
  expect(Number(after.seq)).toBe(Number(before[0]!.count) + 1);
  expect(after).toMatchObject({
    action: 'ledger.ingest',
    data: expect.objectContaining({ inserted: 1, source: 'api' }),
  });
});

test('ledger entries and allocations cannot be edited or deleted', async () => {
  await expect(db.knex('ledger_entries').where({ external_id: 'PAY-1' }).update({ amount_cents: 1 })).rejects.toThrow(
    /ledger_entries is append-only: UPDATE refused/,
  );
  await expect(db.knex('allocations').where({ lease_id: 'L3' }).delete()).rejects.toThrow(
    /allocations is append-only: DELETE refused/,
  );
});

test('an allocation must reference existing entries of its own org', async () => {
  const [charge] = await db.knex('ledger_entries').where({ org_id: 'org-a', external_id: 'PAY-1' }).pluck('id');
  const [other] = await db
    .knex('ledger_entries')
    .where({ org_id: 'org-a' })
    .whereNot({ external_id: 'PAY-1' })
    .pluck('id');
  const row = (credit: number) => ({
    org_id: 'org-a',
    lease_id: 'L1',
    charge_id: other,
    credit_id: credit,
    amount_cents: 1,
    applied_on: '2026-03-01',
    charge_due_on: '2026-03-01',
    created_at: NOW,
  });
  const before = await db.knex('allocations').count({ n: '*' });
  // One dangling id refuses the whole statement, also for the owner (no row-level security).
  await expect(db.knex('allocations').insert([row(charge), row(999_999_999)])).rejects.toMatchObject({
    code: '23503',
    message: expect.stringMatching(/references a ledger entry that does not exist/),
  });
  // Org B's ledger is invisible to org A's transactions: its entries cannot be referenced either.
  await ingest([rent('B1', 'B-RENT', '2026-03-01')], { orgId: 'org-b' });
  const [foreign] = await db.knex('ledger_entries').where({ org_id: 'org-b' }).pluck('id');
  await expect(db.withOrg('org-a', (trx) => trx('allocations').insert(row(foreign)))).rejects.toMatchObject({
    code: '23503',
  });
  expect(await db.knex('allocations').count({ n: '*' })).toEqual(before);
});

test('open items stay what the history says, chunk after chunk, and aging from them equals aging from history', async () => {
  const leases = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'];
  await seedOrg(
    db,
    'org-d',
    [{ id: 'P1' }],
    leases.map((id) => ({ id })),
  );
  const d = (over: Partial<IngestContext> = {}) => ({ ...ctx(), orgId: 'org-d', ...over });
  // A small deterministic generator (LCG): charges (two on some due dates), payments of any
  // size, credits, write-offs, reversals of earlier payments and of payments in the same chunk.
  let seed = 42;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const payments: { lease: string; id: string }[] = [];
  let n = 0;
  for (let month = 1; month <= 9; month++) {
    const day = (dd: number) => `2026-0${month}-${String(dd).padStart(2, '0')}`;
    const events: unknown[] = [];
    for (const lease of leases) {
      events.push(rent(lease, `${lease}-R${month}`, day(1), 1000 + next(3) * 500));
      if (next(3) === 0) events.push({ ...rent(lease, `${lease}-F${month}`, day(1), 75), charge_type: 'late_fee' });
      for (let k = next(3); k > 0; k--) {
        const id = `${lease}-P${++n}`;
        events.push(payment(lease, id, day(2 + next(20)), 200 + next(1800)));
        payments.push({ lease, id });
      }
      if (next(5) === 0) events.push({ ...payment(lease, `${lease}-C${++n}`, day(3), 300), kind: 'credit' });
      if (next(7) === 0) events.push({ ...payment(lease, `${lease}-W${++n}`, day(4), 250), kind: 'write_off' });
    }
    for (let k = next(3); k > 0 && payments.length > 0; k--) {
      const [p] = payments.splice(next(payments.length), 1);
      events.push({
        kind: 'reversal',
        lease_id: p!.lease,
        external_id: `NSF-${p!.id}`,
        reverses: p!.id,
        effective_on: day(25),
      });
    }
    const result = await ingestLedgerEvents(
      db,
      d(),
      events.map((value, i) => ({ row: i + 1, value })),
    );
    expect(result.rejected).toEqual([]);
  }

  const maintained = await db.knex('open_items').where({ org_id: 'org-d' }).orderBy('entry_id');
  // The oracle: open items recomputed from the history (rolled back afterwards).
  const rebuilt = await db.knex
    .transaction(async (trx) => {
      await rebuildOpenItems(trx, 'org-d', `select id from leases where org_id = 'org-d'`);
      throw Object.assign(new Error('rollback'), {
        rows: await trx('open_items').where({ org_id: 'org-d' }).orderBy('entry_id'),
      });
    })
    .catch((error: { rows?: unknown[] }) => error.rows);
  expect(maintained.length).toBeGreaterThan(0);
  expect(maintained).toEqual(rebuilt);
  // Row-level security covers open items like every other table.
  expect(await db.withOrg('org-a', (trx) => trx('open_items').where({ org_id: 'org-d' }))).toEqual([]);
  expect(await db.withOrg('org-d', (trx) => trx('open_items').count('* as n'))).toEqual([{ n: maintained.length }]);
  // After allocation a lease has open charges or available credit, never both.
  for (const lease of leases) {
    const kinds = new Set(maintained.filter((o) => o.lease_id === lease).map((o) => o.kind));
    expect(kinds.size).toBeLessThanOrEqual(1);
  }
  // And aging from the maintained state equals aging from the full history, lease by lease.
  const aging = async (source: AgingSource) => {
    const { sql, bindings } = leaseAgingQuery('org-d', '2026-09-30', {}, source);
    const result = await db.withOrg('org-d', (trx) => trx.raw<{ rows: { lease_id: string }[] }>(sql, bindings));
    return result.rows.sort((a, b) => a.lease_id.localeCompare(b.lease_id));
  };
  const current = await aging('current');
  expect(current).toHaveLength(leases.length);
  expect(current).toEqual(await aging('history'));
});
