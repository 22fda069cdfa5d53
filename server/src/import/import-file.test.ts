import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { importLedgerFile } from './import-file.ts';
import { MalformedFileError } from './readers.ts';
import { createProgressReporter, type ImportProgress } from './progress.ts';

let db: TestDatabase;
let dir: string;
const ctx = (source: string, strict = false) => ({
  orgId: 'org-a',
  source,
  actor: 'cli',
  now: new Date('2026-03-10T00:00:00Z'),
  strict,
});

beforeAll(async () => {
  db = await openTestDatabase('import');
  await seedOrg(db, 'org-a', [{ id: 'P1' }], [{ id: 'L1' }, { id: 'L2' }]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-import-'));
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const CSV = `kind,lease_id,external_id,charge_type,amount_cents,effective_on,due_on,reverses,memo
charge,L1,C-1,rent,200000,2026-03-01,,,
payment,L1,P-1,,abc,2026-03-02,,,
charge,L9,C-2,rent,1000,2026-03-01,,,
payment,L1,P-2,,5000,2026-03-03,,,"memo, with a comma
and a newline"
charge,L2,C-3,rent,1000,2026-02-31,,,
`;

test('CSV: bad rows are reported with their line and field, good rows are kept', async () => {
  const progress: ImportProgress[] = [];
  const summary = await importLedgerFile(db, ctx('csv-a'), write('ledger.csv', CSV), {
    onProgress: (p) => progress.push(p),
  });
  expect(summary).toMatchObject({
    format: 'csv',
    received: 5,
    inserted: 2,
    duplicates: 0,
    rejectedCount: 3,
    committed: true,
  });
  expect(summary.rejected.map((r) => [r.row, r.field, r.message])).toEqual([
    [3, 'amount_cents', 'amount_cents: expected an integer number of cents'],
    [4, 'lease_id', 'lease_id: no lease "L9" in this org'],
    [7, 'effective_on', 'effective_on: not a real calendar date'],
  ]);
  expect(
    await db.knex('ingest_rejections').where({ source: 'csv-a' }).orderBy('row_number').pluck('row_number'),
  ).toEqual([3, 4, 7]);
  expect(progress.at(-1)).toMatchObject({ rows: 5, inserted: 2, rejected: 3 });
  expect(progress.at(-1)!.bytes).toBe(Buffer.byteLength(CSV));

  // Importing the same file again changes nothing.
  const again = await importLedgerFile(db, ctx('csv-a'), path.join(dir, 'ledger.csv'));
  expect(again).toMatchObject({ inserted: 0, duplicates: 2, rejectedCount: 3 });
});

test('CSV --strict: all or nothing, rejections still recorded', async () => {
  const summary = await importLedgerFile(db, ctx('csv-strict', true), write('strict.csv', CSV), { chunkSize: 2 });
  expect(summary).toMatchObject({ committed: false, inserted: 0, rejectedCount: 3 });
  expect(await db.knex('ledger_entries').where({ source: 'csv-strict' })).toHaveLength(0);
  expect(await db.knex('ingest_rejections').where({ source: 'csv-strict' })).toHaveLength(3);
});

test('NDJSON: a line that is not JSON is reported by line number', async () => {
  const file = write(
    'ledger.ndjson',
    [
      JSON.stringify({
        kind: 'charge',
        charge_type: 'rent',
        lease_id: 'L2',
        external_id: 'N-1',
        amount_cents: 1000,
        effective_on: '2026-03-01',
      }),
      '',
      '{"kind": "payment", oops',
      JSON.stringify({
        kind: 'payment',
        lease_id: 'L2',
        external_id: 'N-2',
        amount_cents: 400,
        effective_on: '2026-03-05',
      }),
    ].join('\n'),
  );
  const summary = await importLedgerFile(db, ctx('nd'), file, { chunkSize: 1 });
  expect(summary).toMatchObject({ received: 3, inserted: 2, rejectedCount: 1 });
  expect(summary.rejected[0]).toMatchObject({
    row: 3,
    code: 'invalid',
    message: expect.stringContaining('not valid JSON'),
  });
});

test('JSON: an array, or an object with an events array, streamed', async () => {
  const event = (id: string) => ({
    kind: 'credit',
    lease_id: 'L2',
    external_id: id,
    amount_cents: 100,
    effective_on: '2026-03-06',
  });
  const arrayFile = write('a.json', JSON.stringify([event('J-1'), event('J-2'), { kind: 'credit' }]));
  const objectFile = write('b.json', JSON.stringify({ source: 'x', events: [event('J-3')] }));
  const a = await importLedgerFile(db, ctx('json'), arrayFile);
  expect(a).toMatchObject({ received: 3, inserted: 2, rejectedCount: 1 });
  expect(a.rejected[0]).toMatchObject({ row: 3, field: 'lease_id' });
  expect(await importLedgerFile(db, ctx('json'), objectFile)).toMatchObject({ received: 1, inserted: 1 });
  await expect(importLedgerFile(db, ctx('json'), write('bad.json', '"nope"'))).rejects.toThrow(/expected a JSON array/);
});

describe('malformed JSON ends the reading where it breaks; the rows before it are handled as usual', () => {
  const row = (id: string) =>
    JSON.stringify({ kind: 'credit', lease_id: 'L1', external_id: id, amount_cents: 100, effective_on: '2026-03-06' });

  test('a bad element mid-array: earlier rows committed, the spot reported and recorded by array position', async () => {
    const file = write('mid.json', `[${row('M-1')},\n${row('M-2')},\n{bad},\n${row('M-4')}]`);
    const summary = await importLedgerFile(db, ctx('json-mid'), file, { chunkSize: 1 });
    expect(summary).toMatchObject({ received: 3, inserted: 2, rejectedCount: 1, committed: true });
    expect(summary.malformed).toEqual({
      row: 3,
      message: 'not valid JSON at element 3 of the array (expected an object key)',
    });
    expect(summary.rejected).toEqual([
      { row: 3, code: 'invalid', field: '(file)', message: summary.malformed!.message },
    ]);
    expect(
      await db.knex('ledger_entries').where({ source: 'json-mid' }).orderBy('external_id').pluck('external_id'),
    ).toEqual(['M-1', 'M-2']);
    expect(await db.knex('ingest_rejections').where({ source: 'json-mid' }).pluck('row_number')).toEqual([3]);
  });

  test('no element is lost when the error comes many kilobytes in, in the same read as complete ones', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(`B-${i + 1}`));
    const file = write('big-bad.json', `[${rows.join(',')},{bad}]`);
    expect(fs.statSync(file).size).toBeGreaterThan(128 * 1024);
    const summary = await importLedgerFile(db, ctx('json-big'), file);
    expect(summary).toMatchObject({ received: 2001, inserted: 2000, malformed: { row: 2001 } });
  });

  test('a file cut mid-array, inside the events wrapper and in one chunk', async () => {
    const file = write('cut.json', `{"events": [${row('C-1')},\n{"kind":"pay`);
    const summary = await importLedgerFile(db, ctx('json-cut'), file);
    expect(summary).toMatchObject({ received: 2, inserted: 1, rejectedCount: 1 });
    expect(summary.malformed).toEqual({
      row: 2,
      message: expect.stringMatching(/^not valid JSON at element 2 of the "events" array \(the file ends early; /),
    });
  });

  test('--strict: nothing kept, the spot still recorded', async () => {
    const file = write('cut-strict.json', `[${row('S-1')}, {"kind"`);
    const summary = await importLedgerFile(db, ctx('json-cut-strict', true), file);
    expect(summary).toMatchObject({ committed: false, inserted: 0, rejectedCount: 1, malformed: { row: 2 } });
    expect(await db.knex('ledger_entries').where({ source: 'json-cut-strict' })).toHaveLength(0);
    expect(await db.knex('ingest_rejections').where({ source: 'json-cut-strict' })).toHaveLength(1);
  });

  test('a truncated object before any event', async () => {
    const summary = await importLedgerFile(db, ctx('json-trunc'), write('trunc.json', '{"a":'));
    expect(summary.malformed).toEqual({
      row: 1,
      message: 'not valid JSON before any event (the file ends early; expected a value)',
    });
  });

  test('not an array, no events member, events not an array: refused as a whole', async () => {
    await expect(importLedgerFile(db, ctx('json-x'), write('str.json', '"just a string"'))).rejects.toThrow(
      MalformedFileError,
    );
    await expect(importLedgerFile(db, ctx('json-x'), write('foo.json', '{"foo":[1]}'))).rejects.toThrow(
      /foo\.json: no "events" member; expected a JSON array of events or \{"events": \[\.\.\.\]\}/,
    );
    await expect(importLedgerFile(db, ctx('json-x'), write('events-str.json', '{"events": "x"}'))).rejects.toThrow(
      /events-str\.json: "events" is a string; expected a JSON array of events/,
    );
    // An empty events array is a file with no events, not a malformed one.
    expect(await importLedgerFile(db, ctx('json-x'), write('empty.json', '{"events": []}'))).toMatchObject({
      received: 0,
      rejectedCount: 0,
    });
    expect(
      (await importLedgerFile(db, ctx('json-x'), write('empty.json', '{"events": []}'))).malformed,
    ).toBeUndefined();
  });
});

test('CSV with an unclosed quote: the rows before it kept, the line reported', async () => {
  const file = write(
    'quote.csv',
    'kind,lease_id,external_id,amount_cents,effective_on,memo\ncredit,L1,Q-1,100,2026-03-06,ok\ncredit,L1,Q-2,100,2026-03-06,"never closed\n',
  );
  const summary = await importLedgerFile(db, ctx('csv-quote'), file);
  expect(summary).toMatchObject({
    inserted: 1,
    rejectedCount: 1,
    malformed: { message: expect.stringMatching(/^not valid CSV/) },
  });
});

test('a row with several bad fields lists every one', async () => {
  const file = write(
    'many.csv',
    'kind,lease_id,external_id,charge_type,amount_cents,effective_on\ncharge,L1,X-1,bogus,5.5,2026-02-30\n',
  );
  const summary = await importLedgerFile(db, ctx('csv-many'), file);
  expect(summary.rejected).toEqual([
    {
      row: 2,
      external_id: 'X-1',
      code: 'invalid',
      field: 'amount_cents',
      message: expect.stringMatching(/^amount_cents: .+; effective_on: not a real calendar date; charge_type: .+/),
    },
  ]);
});

test('unknown file types and missing files get a clear error', async () => {
  await expect(importLedgerFile(db, ctx('x'), write('ledger.xlsx', ''))).rejects.toThrow(/unknown file type/);
  await expect(importLedgerFile(db, ctx('x'), path.join(dir, 'missing.csv'))).rejects.toThrow(/no such file/);
});

/** A non-terminal stream and what was written to it. */
function plainOutput(): { stream: NodeJS.WriteStream; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += String(c)));
  return { stream: Object.assign(out, { isTTY: false }) as unknown as NodeJS.WriteStream, text: () => text };
}

test('progress is plain lines when the output is not a terminal', () => {
  const out = plainOutput();
  const reporter = createProgressReporter(out.stream, 'import', 0);
  reporter.update({ bytes: 50, totalBytes: 100, rows: 10, inserted: 9, duplicates: 0, rejected: 1 });
  reporter.stop();
  // The final state once, not twice.
  expect(out.text()).toBe('import: 50% 10 rows (9 new, 0 duplicate, 1 rejected)\n');
});

test('plain progress ends with the final state when the last update came between lines', () => {
  const out = plainOutput();
  const reporter = createProgressReporter(out.stream, 'import', 60_000);
  reporter.update({ bytes: 50, totalBytes: 100, rows: 10, inserted: 9, duplicates: 0, rejected: 1 });
  reporter.update({ bytes: 100, totalBytes: 100, rows: 20, inserted: 19, duplicates: 0, rejected: 1 });
  reporter.stop();
  expect(out.text().trim().split('\n')).toEqual([
    'import: 50% 10 rows (9 new, 0 duplicate, 1 rejected)',
    'import: 100% 20 rows (19 new, 0 duplicate, 1 rejected)',
  ]);
});

test('--strict over many chunks: reversals find payments of earlier chunks in the same transaction', async () => {
  // One transaction for the whole file, so the ledger's statistics cannot catch up between
  // chunks (merge.ts, step 5: each reversal probes its payment by key).
  const lines: string[] = [];
  for (let month = 1; month <= 6; month++) {
    const day = `2025-${String(month).padStart(2, '0')}-01`;
    for (const lease of ['L1', 'L2']) {
      lines.push(
        JSON.stringify({
          kind: 'charge',
          lease_id: lease,
          external_id: `SC-${lease}-${month}`,
          charge_type: 'rent',
          amount_cents: 100_000,
          effective_on: day,
          due_on: day,
        }),
      );
      lines.push(
        JSON.stringify({
          kind: 'payment',
          lease_id: lease,
          external_id: `SP-${lease}-${month}`,
          amount_cents: 100_000,
          effective_on: day,
        }),
      );
    }
  }
  // Every other month's L2 payment comes back, listed after all the rest (later chunks).
  for (const month of [2, 4, 6])
    lines.push(
      JSON.stringify({
        kind: 'reversal',
        lease_id: 'L2',
        external_id: `SR-${month}`,
        reverses: `SP-L2-${month}`,
        effective_on: '2025-07-01',
      }),
    );
  const summary = await importLedgerFile(
    db,
    ctx('ndjson-strict', true),
    write('strict.ndjson', `${lines.join('\n')}\n`),
    {
      chunkSize: 4,
    },
  );
  expect(summary).toMatchObject({ committed: true, inserted: 27, rejectedCount: 0 });
  const reversed = await db
    .knex('ledger_entries as r')
    .join('ledger_entries as p', 'p.id', 'r.reverses_id')
    .where('r.source', 'ndjson-strict')
    .orderBy('r.external_id')
    .select('r.external_id', 'p.external_id as payment');
  expect(reversed).toEqual([
    { external_id: 'SR-2', payment: 'SP-L2-2' },
    { external_id: 'SR-4', payment: 'SP-L2-4' },
    { external_id: 'SR-6', payment: 'SP-L2-6' },
  ]);
});
