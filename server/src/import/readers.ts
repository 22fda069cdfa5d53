import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import makeJsonParser from 'stream-json';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';

export type FileFormat = 'csv' | 'json' | 'ndjson';

/** One record read from a file: a value to validate, or a line that could not even be parsed. */
export type FileRecord = { row: number; value: unknown } | { row: number; parseError: string };

export function detectFormat(file: string): FileFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return undefined;
}

/**
 * Streams the records of a ledger file without holding it in memory. Row numbers are what a
 * person finds in an editor: the line for CSV (the header is line 1) and NDJSON, the 1-based
 * position in the array for JSON.
 */
export function readRecords(
  file: string,
  format: FileFormat,
  input: NodeJS.ReadableStream,
): AsyncGenerator<FileRecord> {
  switch (format) {
    case 'csv':
      return readCsv(input);
    case 'ndjson':
      return readNdjson(input);
    case 'json':
      return readJson(file, input);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

const INTEGER = /^-?\d+$/;

/** CSV cells are strings: empty means absent, and integer columns become numbers. */
function csvRecord(raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, cell] of Object.entries(raw)) {
    if (cell === '' || cell === undefined) continue;
    out[key] = key.endsWith('_cents') && INTEGER.test(cell) ? Number(cell) : cell;
  }
  return out;
}

async function* readCsv(input: NodeJS.ReadableStream): AsyncGenerator<FileRecord> {
  const parser = input.pipe(
    parseCsv({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      bom: true,
    }),
  );
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { row: item.info.lines, value: csvRecord(item.record) };
  }
}

async function* readNdjson(input: NodeJS.ReadableStream): AsyncGenerator<FileRecord> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row++;
    if (line.trim() === '') continue;
    try {
      yield { row, value: JSON.parse(line) };
    } catch (error) {
      yield { row, parseError: `not valid JSON (${(error as Error).message})` };
    }
  }
}

async function firstSignificantChar(file: string): Promise<string | undefined> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return /\S/.exec(
      buffer
        .subarray(0, bytesRead)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    )?.[0];
  } finally {
    await handle.close();
  }
}

/** A JSON file is an array of events, or an object whose `events` member is that array. */
async function* readJson(file: string, input: NodeJS.ReadableStream): AsyncGenerator<FileRecord> {
  const first = await firstSignificantChar(file);
  if (first !== '[' && first !== '{') throw new Error(`${file}: expected a JSON array of events or {"events": [...]}`);
  let stream: NodeJS.ReadableStream = input.pipe(makeJsonParser());
  if (first === '{') stream = stream.pipe(Pick.pick({ filter: 'events' }));
  stream = stream.pipe(StreamArray.streamArray());
  for await (const item of stream as AsyncIterable<{ key: number; value: unknown }>) {
    yield { row: item.key + 1, value: item.value };
  }
}
