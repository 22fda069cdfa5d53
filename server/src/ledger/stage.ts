import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import type { Trx } from '../db/database.ts';
import type { ValidEvent } from './validate.ts';

/**
 * The staging table one ingest transaction loads its events into before a handful of
 * set-based statements check and merge them. Temporary, one per connection, emptied at every
 * commit (and here, for a second chunk in one transaction): created once per session rather
 * than per chunk, because creating and dropping a table for every one-event chunk was most of a
 * single event's cost (catalog writes; `arrears simulate` ran 1.5× faster without it). COPY into
 * it is allowed even though the ledger itself is under row-level security (COPY FROM is not).
 */
export async function createStage(trx: Trx): Promise<void> {
  await trx.raw(`
    create temp table if not exists ledger_stage (
      row_no integer not null,
      lease_id text not null,
      external_id text not null,
      kind text not null,
      charge_type text,
      amount_cents bigint,
      effective_on date not null,
      due_on date,
      reverses text,
      memo text,
      status text not null default 'new',
      code text,
      field text,
      message text,
      reverses_id bigint,
      entry_id bigint
    ) on commit delete rows`);
  await trx.raw('delete from ledger_stage');
}

const COLUMNS = [
  'row_no',
  'lease_id',
  'external_id',
  'kind',
  'charge_type',
  'amount_cents',
  'effective_on',
  'due_on',
  'reverses',
  'memo',
] as const;

function values({ row, event }: ValidEvent): (string | number | null)[] {
  return [
    row,
    event.lease_id,
    event.external_id,
    event.kind,
    event.kind === 'charge' ? event.charge_type : null,
    event.amount_cents ?? null,
    event.effective_on,
    event.kind === 'charge' ? (event.due_on ?? event.effective_on) : null,
    event.kind === 'reversal' ? event.reverses : null,
    event.kind === 'reversal' ? (event.memo ?? event.reason) : (event.memo ?? null),
  ];
}

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is null.
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function toCopyText(events: readonly ValidEvent[]): string {
  let out = '';
  for (const event of events) out += values(event).map(copyField).join('\t') + '\n';
  return out;
}

/** Bulk load: COPY on PostgreSQL; an unnest insert on PGlite, whose socket cannot COPY FROM STDIN. */
export async function loadStage(trx: Trx, events: readonly ValidEvent[], useCopy: boolean): Promise<void> {
  if (events.length === 0) return;
  if (useCopy) {
    // Inside a knex transaction acquireConnection hands back the transaction's own connection.
    const connection = (await trx.client.acquireConnection()) as PoolClient;
    const sink = connection.query(copyStreams.from(`copy ledger_stage (${COLUMNS.join(', ')}) from stdin`));
    await pipeline(Readable.from(chunks(events)), sink);
    return;
  }
  const columns: (string | number | null)[][] = COLUMNS.map(() => []);
  for (const event of events) values(event).forEach((v, i) => columns[i]!.push(v));
  await trx.raw(
    `insert into ledger_stage (${COLUMNS.join(', ')})
     select * from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::date[], ?::date[], ?::text[], ?::text[])`,
    // pg sends JS arrays as PostgreSQL array literals.
    columns as unknown as Knex.RawBinding[],
  );
}

function* chunks(events: readonly ValidEvent[]): Generator<string> {
  const size = 5000;
  for (let i = 0; i < events.length; i += size) yield toCopyText(events.slice(i, i + size));
}
