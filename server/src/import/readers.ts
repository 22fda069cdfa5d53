import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline, Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import Parser from 'stream-json/Parser.js';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';

export type FileFormat = 'csv' | 'json' | 'ndjson';

/**
 * One record read from a file: a value to validate, a line that could not even be parsed, or
 * the point where the file stops being readable at all (malformed JSON or CSV): always the last.
 */
export type FileRecord =
  { row: number; value: unknown } | { row: number; parseError: string } | { row: number; malformed: string };

/** The file as a whole is not what its format promises (not a JSON array, no `events` member). */
export class MalformedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFileError';
  }
}

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
  let row = 1;
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      row = item.info.lines;
      yield { row, value: csvRecord(item.record) };
    }
  } catch (error) {
    // csv-parse stops at the first unreadable spot (an unclosed quote…); its `lines` is where.
    const lines = (error as { lines?: unknown }).lines;
    yield {
      row: typeof lines === 'number' ? lines : row + 1,
      malformed: `not valid CSV (${(error as Error).message.replace(/^Invalid Record Length: /, '')})`,
    };
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

/**
 * stream-json fails the whole stream at a syntax error, which drops the complete elements whose
 * tokens are still buffered downstream and leaves the error unhandled on a piped stream. This
 * parser keeps the error and ends quietly instead: every element before the bad spot arrives,
 * then the reader reports where it stopped.
 */
class StoppingParser extends Parser {
  failure: Error | undefined;

  _processBuffer(callback: (error?: Error | null) => void): void {
    const self = this as unknown as { _buffer: string };
    if (this.failure) {
      self._buffer = '';
      callback(null);
      return;
    }
    const process = (Parser.prototype as unknown as { _processBuffer: StoppingParser['_processBuffer'] })
      ._processBuffer;
    process.call(this, (error) => {
      if (error) {
        this.failure = error;
        self._buffer = '';
      }
      callback(null);
    });
  }
}

/** stream-json's words ("Parser cannot parse input: expected ','") in a reader's. */
function jsonProblem(error: Error): string {
  return error.message
    .replace(/^Parser cannot parse input: /, '')
    .replace(/^Parser has expected /, 'the file ends early; expected ')
    .replace(/^Top-level object should be an array\.?$/, 'expected "events" to be an array');
}

const EXPECTED_JSON = 'expected a JSON array of events or {"events": [...]}';

/**
 * A JSON file is an array of events, or an object whose `events` member is that array. A
 * syntax error ends the reading: the elements before it are yielded, then a `malformed` record
 * at the element where it happened (stream-json gives no line or column).
 */
async function* readJson(file: string, input: NodeJS.ReadableStream): AsyncGenerator<FileRecord> {
  const first = await firstSignificantChar(file);
  if (first !== '[' && first !== '{') throw new MalformedFileError(`${file}: ${EXPECTED_JSON}`);
  const parser = new StoppingParser();
  let found = first === '[';
  const stages: NodeJS.ReadWriteStream[] = [parser];
  if (first === '{')
    stages.push(
      Pick.pick({ filter: 'events' }),
      new Transform({
        objectMode: true,
        transform(token, _encoding, callback) {
          found = true;
          callback(null, token);
        },
      }),
    );
  const items = StreamArray.streamArray();
  // pipeline, not pipe: an error of any stage (StreamArray's "should be an array") ends the iteration below.
  pipeline([input, ...stages, items], () => {});
  let row = 0;
  let failure: Error | undefined;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      row = item.key + 1;
      yield { row, value: item.value };
    }
  } catch (error) {
    failure = error as Error;
  }
  failure = parser.failure ?? failure;
  const where = found ? `at element ${row + 1} of the ${first === '{' ? '"events" ' : ''}array` : 'before any event';
  if (failure) yield { row: row + 1, malformed: `not valid JSON ${where} (${jsonProblem(failure)})` };
  else if (!found) throw new MalformedFileError(`${file}: no "events" member; ${EXPECTED_JSON}`);
}
