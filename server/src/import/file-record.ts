/**
 * One record read from a file: a value to validate, a line that could not even be parsed (with
 * what it held, kept with its rejection), or the point where the file stops being readable at
 * all (malformed JSON or CSV): always the last.
 */
export type FileRecord =
  | { row: number; value: unknown }
  | { row: number; parseError: string; raw?: unknown }
  | { row: number; malformed: string };

/**
 * The file as a whole is not what its format promises (not a JSON array, no `events` array, a
 * CSV header that names no ledger columns): refused before any row is handled.
 */
export class MalformedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFileError';
  }
}
