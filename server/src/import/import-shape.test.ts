import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { importLedgerFile } from './import-file.ts';
import { MalformedFileError } from './readers.ts';

// What a file's shape can get wrong before any row is judged: CSV headers and cell counts, a
// JSON wrapper whose `events` is not an array. A file that is not a ledger is refused whole, with
// nothing stored; a row whose cells cannot be matched to the header is rejected on its own.

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
  db = await openTestDatabase('import_shape');
  await seedOrg(db, 'org-a', [{ id: 'P1' }], [{ id: 'L1' }]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-import-shape-'));
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

const stored = (source: string) => db.knex('ingest_rejections').where({ source }).orderBy('row_number');
const HEADER = 'kind,lease_id,external_id,amount_cents,effective_on';

describe('CSV rows whose cell count differs from the header', () => {
  test('one cell too many or too few: that row rejected by its line, the others kept', async () => {
    const file = write(
      'cells.csv',
      `${HEADER},memo\n` +
        'credit,L1,X-1,100,2026-03-02,ok\n' +
        'credit,L1,X-2,100,2026-03-02,rent, march\n' +
        'credit,L1,X-3,100,2026-03-02\n' +
        'credit,L1,X-4,100,2026-03-02,"quoted, comma"\n',
    );
    const summary = await importLedgerFile(db, ctx('cells'), file);
    expect(summary).toMatchObject({ received: 4, inserted: 2, rejectedCount: 2 });
    expect(summary.rejected).toEqual([
      {
        row: 3,
        code: 'invalid',
        field: '(row)',
        message: expect.stringMatching(/^7 cells but the header has 6 columns.*quote a cell that contains a comma/),
      },
      {
        row: 4,
        code: 'invalid',
        field: '(row)',
        message: expect.stringMatching(/^5 cells but the header has 6 columns/),
      },
    ]);
    // The cells are kept with the rejection, to see which one shifted.
    expect((await stored('cells')).map((r) => r.payload)).toEqual([
      ['credit', 'L1', 'X-2', '100', '2026-03-02', 'rent', 'march'],
      ['credit', 'L1', 'X-3', '100', '2026-03-02'],
    ]);
    expect(
      await db.knex('ledger_entries').where({ source: 'cells' }).orderBy('external_id').pluck('external_id'),
    ).toEqual(['X-1', 'X-4']);
  });

  test('--strict: such a row rolls the file back', async () => {
    const file = write('cells-strict.csv', `${HEADER}\ncredit,L1,S-1,100,2026-03-02\ncredit,L1,S-2,100,2026-03-02,x\n`);
    const summary = await importLedgerFile(db, ctx('cells-strict', true), file);
    expect(summary).toMatchObject({ committed: false, rejectedCount: 1, rejected: [{ row: 3, field: '(row)' }] });
    expect(await db.knex('ledger_entries').where({ source: 'cells-strict' })).toHaveLength(0);
  });
});

describe('a CSV header that is not a ledger header is refused whole, naming every problem', () => {
  const refused = async (name: string, content: string, source = `hdr-${name}`) => {
    const error = await importLedgerFile(db, ctx(source), write(name, content)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MalformedFileError);
    // Refused before any row: nothing stored, not one rejection per row.
    expect(await stored(source)).toHaveLength(0);
    expect(await db.knex('ledger_entries').where({ source })).toHaveLength(0);
    return (error as Error).message;
  };

  test('no known column at all', async () => {
    const message = await refused('wronghdr.csv', 'a,b,c\n1,2,3\n4,5,6\n');
    expect(message).toBe(
      `${path.join(dir, 'wronghdr.csv')}: line 1 is not a ledger header: unknown columns "a", "b" and "c"; ` +
        'missing required columns kind, lease_id, external_id and effective_on. Expected the columns kind, ' +
        'lease_id, external_id, effective_on and any of amount_cents, memo, charge_type, due_on, reverses, ' +
        'reason, each once, in any order',
    );
  });

  test('a required column missing', async () => {
    const message = await refused('noeff.csv', 'kind,lease_id,external_id,amount_cents\ncredit,L1,E-1,100\n');
    expect(message).toMatch(/not a ledger header: missing required column effective_on\. /);
  });

  test('a repeated column, in any case', async () => {
    const message = await refused('duphdr.csv', `${HEADER},Kind\npayment,L1,D-1,100,2026-03-02,charge\n`);
    expect(message).toMatch(/not a ledger header: "kind" appears 2 times \(columns 1 and 6\)\. /);
  });

  test('an unknown column, such as a misspelt optional one', async () => {
    const message = await refused('typo.csv', `${HEADER},charge_type,due_date\n`);
    expect(message).toMatch(/not a ledger header: unknown column "due_date"\. /);
  });

  test('an unnamed column (a trailing comma)', async () => {
    const message = await refused('trailing.csv', `${HEADER},\ncredit,L1,T-1,100,2026-03-02,\n`);
    expect(message).toMatch(/not a ledger header: column 6 without a name\. /);
  });

  test('UTF-16 text without a byte-order mark (csv-parse decodes it with one)', async () => {
    const file = path.join(dir, 'utf16.csv');
    fs.writeFileSync(file, Buffer.from(`${HEADER}\ncredit,L1,U-1,100,2026-03-02\n`, 'utf16le'));
    const error = await importLedgerFile(db, ctx('utf16'), file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedFileError);
    expect((error as Error).message).toMatch(/not UTF-8 text \(UTF-16\? save it as UTF-8\)/);
  });

  test('accepted: any order and case, optional columns absent (amount_cents too: reversals)', async () => {
    const file = write(
      'ok.csv',
      'Effective_On, external_id ,LEASE_ID,kind,reverses\n2026-03-02,R-1,L1,reversal,P-none\n',
    );
    const summary = await importLedgerFile(db, ctx('hdr-ok'), file);
    // Read by its header: the row reaches the ledger checks (no such payment), not a shape error.
    expect(summary.rejected).toEqual([expect.objectContaining({ row: 2, code: 'unknown_payment' })]);
    expect(await importLedgerFile(db, ctx('hdr-only'), write('hdr.csv', `${HEADER}\n`))).toMatchObject({
      received: 0,
      rejectedCount: 0,
    });
  });
});

test('JSON whose "events" is not an array is refused whole, saying what was expected', async () => {
  for (const [content, what] of [
    ['{"events": 5}', 'a number'],
    ['{"events": "x"}', 'a string'],
    ['{"events": {"kind": "credit"}}', 'an object'],
    ['{"source": "x", "events": null}', 'null'],
  ] as const) {
    const file = write('obj.json', content);
    const error = await importLedgerFile(db, ctx('json-shape'), file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedFileError);
    expect((error as Error).message).toBe(
      `${file}: "events" is ${what}; expected a JSON array of events or {"events": [...]}`,
    );
  }
  expect(await stored('json-shape')).toHaveLength(0);
});
