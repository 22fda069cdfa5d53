import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline, Transform } from 'node:stream';
import Parser from 'stream-json/Parser.js';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { readCsv } from './csv-reader.ts';
import { MalformedFileError, type FileRecord } from './file-record.ts';

export { MalformedFileError, type FileRecord } from './file-record.ts';

export type FileFormat = 'csv' | 'json' | 'ndjson';

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
      return readCsv(file, input);
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
    .replace(/^Parser has expected /, 'the file ends early; expected ');
}

/** What a JSON value is, by the first token stream-json gives for it. */
const VALUE_OF_TOKEN: Record<string, string> = {
  startObject: 'an object',
  startString: 'a string',
  stringValue: 'a string',
  startNumber: 'a number',
  numberValue: 'a number',
  trueValue: 'true',
  falseValue: 'false',
  nullValue: 'null',
};

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
  // The first token of the `events` member: what it holds when it is not an array.
  let eventsToken: string | undefined;
  const stages: NodeJS.ReadWriteStream[] = [parser];
  if (first === '{')
    stages.push(
      Pick.pick({ filter: 'events' }),
      new Transform({
        objectMode: true,
        transform(token: { name: string }, _encoding, callback) {
          found = true;
          eventsToken ??= token.name;
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
  // `"events": 5` is well-formed JSON of the wrong shape (StreamArray's error, not the
  // parser's): the file as a whole is not a ledger, so it is refused like `"nope"` is, not
  // stored as a rejected row blamed on JSON syntax.
  if (!parser.failure && failure && eventsToken !== 'startArray' && /should be an array/.test(failure.message))
    throw new MalformedFileError(
      `${file}: "events" is ${VALUE_OF_TOKEN[eventsToken ?? ''] ?? 'not an array'}; ${EXPECTED_JSON}`,
    );
  failure = parser.failure ?? failure;
  const where = found ? `at element ${row + 1} of the ${first === '{' ? '"events" ' : ''}array` : 'before any event';
  if (failure) yield { row: row + 1, malformed: `not valid JSON ${where} (${jsonProblem(failure)})` };
  else if (!found) throw new MalformedFileError(`${file}: no "events" member; ${EXPECTED_JSON}`);
}
