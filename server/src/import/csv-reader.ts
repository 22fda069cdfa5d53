import { LedgerEvent } from '@arrears/shared';
import { parse as parseCsv } from 'csv-parse';
import type { z } from 'zod';
import { MalformedFileError, type FileRecord } from './file-record.ts';

// The columns come from the event schemas themselves, so a field added there is a column here.
const shapes = LedgerEvent.options.map((option) => option.shape as Record<string, z.ZodType>);

/** Every field some kind of event takes, in the schemas' order. */
export const CSV_COLUMNS: readonly string[] = [...new Set(shapes.flatMap((shape) => Object.keys(shape)))];

/** The fields every kind requires: without one of these columns no row of the file can be valid. */
export const REQUIRED_COLUMNS: readonly string[] = CSV_COLUMNS.filter((column) =>
  shapes.every((shape) => Object.hasOwn(shape, column) && !shape[column]!.safeParse(undefined).success),
);

const OPTIONAL_COLUMNS = CSV_COLUMNS.filter((column) => !REQUIRED_COLUMNS.includes(column));

/** A header cell as a message shows it: quoted, escaped, never a screenful. */
function shown(name: string): string {
  return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
}

/** `a`, `a and b`, `a, b and c`; past `max` items, how many more. */
function listed(items: readonly string[], max = 10): string {
  if (items.length > max) return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}` : (items[0] ?? '');
}

/**
 * The header decides what every cell below it means, so a wrong one is refused before any row
 * is read, in one message naming every problem: a file with a misspelt or missing column would
 * otherwise be millions of identical row rejections, and a repeated column would silently keep
 * one of its cells. Unknown columns are refused too: a misspelt optional column (`due_date`,
 * `reson`) would otherwise be ignored and its rows imported with the default instead.
 */
export function checkCsvHeader(file: string, cells: readonly string[]): string[] {
  const names = cells.map((cell) => cell.trim().toLowerCase());
  const positions = new Map<string, number[]>();
  names.forEach((name, i) => positions.set(name, [...(positions.get(name) ?? []), i + 1]));
  const problems: string[] = [];
  // UTF-16 text read as UTF-8 has a NUL beside every ASCII letter.
  if (names.some((name) => name.includes('\0')))
    problems.push('it contains NUL characters, so the file is not UTF-8 text (UTF-16? save it as UTF-8)');
  const unnamed = positions.get('') ?? [];
  if (unnamed.length > 0)
    problems.push(`${unnamed.length > 1 ? 'columns' : 'column'} ${listed(unnamed.map(String))} without a name`);
  for (const [name, at] of positions)
    if (name !== '' && at.length > 1)
      problems.push(`${shown(name)} appears ${at.length} times (columns ${listed(at.map(String))})`);
  const unknown = [...positions.keys()].filter((name) => name !== '' && !CSV_COLUMNS.includes(name));
  if (unknown.length > 0)
    problems.push(`unknown ${unknown.length > 1 ? 'columns' : 'column'} ${listed(unknown.map(shown))}`);
  const missing = REQUIRED_COLUMNS.filter((column) => !positions.has(column));
  if (missing.length > 0)
    problems.push(`missing required ${missing.length > 1 ? 'columns' : 'column'} ${listed(missing)}`);
  if (problems.length > 0)
    throw new MalformedFileError(
      `${file}: line 1 is not a ledger header: ${problems.join('; ')}. Expected the columns ` +
        `${REQUIRED_COLUMNS.join(', ')} and any of ${OPTIONAL_COLUMNS.join(', ')}, each once, in any order`,
    );
  return names;
}

const INTEGER = /^-?\d+$/;

/** CSV cells are strings: empty means absent, and integer columns become numbers. */
function csvRecord(columns: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const cell = cells[i];
    if (cell === '' || cell === undefined) return;
    out[column] = column.endsWith('_cents') && INTEGER.test(cell) ? Number(cell) : cell;
  });
  return out;
}

/**
 * A row whose cell count differs from the header's cannot be matched to its columns: one cell
 * too many (an unquoted comma in a memo) shifts every later value into the wrong field, or is
 * dropped unseen. csv-parse would stop the whole file at such a row (or, relaxed, silently drop
 * or leave out cells), so the count is checked here and only that row is rejected.
 */
function cellCountProblem(cells: number, columns: number): string {
  const hint = cells > columns ? 'quote a cell that contains a comma' : 'leave an absent value empty, not out';
  return `${cells} ${cells === 1 ? 'cell' : 'cells'} but the header has ${columns} columns, so the values cannot be matched to their columns (${hint})`;
}

/** Rows are numbered by the line they end on, the header being line 1. */
export async function* readCsv(file: string, input: NodeJS.ReadableStream): AsyncGenerator<FileRecord> {
  const parser = input.pipe(
    parseCsv({ trim: true, skip_empty_lines: true, relax_column_count: true, info: true, bom: true }),
  );
  let columns: string[] | undefined;
  let row = 1;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!columns) {
        columns = checkCsvHeader(file, item.record);
        continue;
      }
      row = item.info.lines;
      if (item.record.length !== columns.length)
        yield { row, parseError: cellCountProblem(item.record.length, columns.length), raw: item.record };
      else yield { row, value: csvRecord(columns, item.record) };
    }
  } catch (error) {
    if (error instanceof MalformedFileError) throw error;
    // csv-parse stops at the first unreadable spot (an unclosed quote…); its `lines` is where.
    const lines = (error as { lines?: unknown }).lines;
    yield {
      row: typeof lines === 'number' ? lines : row + 1,
      malformed: `not valid CSV (${(error as Error).message.replace(/^Invalid Record Length: /, '')})`,
    };
  }
}
