import type { Trx } from './database.ts';

/**
 * Writes a transaction may hold back and send in one statement just before it commits (audit
 * rows: one multi-row insert instead of a round trip each). Only transactions opened by
 * `Database.withOrg` flush them, so code holding any other transaction writes at once.
 */
type Flush = (trx: Trx) => Promise<void>;

const flushes = new WeakMap<Trx, Map<string, { flush: Flush; last: boolean }>>();

/** Called by `withOrg` when it opens a transaction: from now on writes may be held back. */
export function allowBeforeCommit(trx: Trx): void {
  flushes.set(trx, new Map());
}

/**
 * Registers `flush` (once per `name`) to run before `trx` commits. False when the transaction
 * does not run flushes: the caller must write now.
 */
export function beforeCommit(trx: Trx, name: string, flush: Flush, options: FlushOptions = {}): boolean {
  const registered = flushes.get(trx);
  if (!registered) return false;
  if (!registered.has(name)) registered.set(name, { flush, last: options.last ?? false });
  return true;
}

export interface FlushOptions {
  /** Run after every other flush: the statement that takes a lock held until COMMIT (audit). */
  last?: boolean;
}

/**
 * Runs every registered flush, in registration order, those registered `last` at the end;
 * `withOrg` calls it after the relay, as the transaction's final statements.
 */
export async function runBeforeCommit(trx: Trx): Promise<void> {
  const registered = flushes.get(trx);
  if (!registered) return;
  const all = [...registered.values()];
  for (const { flush } of [...all.filter((f) => !f.last), ...all.filter((f) => f.last)]) await flush(trx);
  registered.clear();
}

/**
 * Rows of one kind a transaction writes with one insert per `perStatement` just before it
 * commits, in the order they were added; written at once where the transaction holds nothing
 * back. Created once per kind (module scope): `add` stages a row for `trx`.
 */
export function rowsBeforeCommit<R>(
  name: string,
  perStatement: number,
  write: (trx: Trx, rows: R[]) => Promise<void>,
  options: FlushOptions = {},
): { add(trx: Trx, row: R): Promise<void> } {
  const staged = new WeakMap<Trx, R[]>();
  const flush = async (trx: Trx) => {
    const rows = staged.get(trx);
    staged.delete(trx);
    for (let i = 0; rows && i < rows.length; i += perStatement) await write(trx, rows.slice(i, i + perStatement));
  };
  return {
    async add(trx, row) {
      if (!beforeCommit(trx, name, flush, options)) return write(trx, [row]);
      const rows = staged.get(trx);
      if (rows) rows.push(row);
      else staged.set(trx, [row]);
    },
  };
}
