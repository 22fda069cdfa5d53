import type { PolicyDocument } from '@arrears/shared';

export type DiffOp = '+' | '-' | '~';

export interface DiffEntry {
  op: DiffOp;
  /** `levels[L2].steps[agent-call].day`: list items are named by id, not position. */
  path: string;
  from?: unknown;
  to?: unknown;
}

/**
 * Ranges read as one value ("days 10..29 -> 12..29"); splitting them into min and max would
 * report a narrowed range as an added max and a changed min.
 */
export const RANGE_KEYS: ReadonlySet<string> = new Set(['days', 'balance_cents', 'unpaid_charges']);

/**
 * The structural difference between two parsed policies (defaults filled in, so a file that
 * spells out a default equals one that omits it). Levels, steps and reminders are matched by
 * id, so reordering a list is no change. `version` is left out: it names a document, it is not
 * content (publishing hashes the document without it).
 */
export function diffPolicies(a: PolicyDocument, b: PolicyDocument): DiffEntry[] {
  const { version: _a, ...left } = a;
  const { version: _b, ...right } = b;
  const out: DiffEntry[] = [];
  diffValue('', left, right, out);
  return out;
}

function diffValue(path: string, a: unknown, b: unknown, out: DiffEntry[]): void {
  if (same(a, b)) return;
  if (isRecord(a) && isRecord(b) && !RANGE_KEYS.has(lastKey(path))) {
    for (const key of unionKeys(a, b)) diffMember(path ? `${path}.${key}` : key, a[key], b[key], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && isKeyed(a) && isKeyed(b)) {
    const byId = new Map(b.map((item) => [item.id, item]));
    const ids = new Set(a.map((item) => item.id));
    for (const item of a) diffMember(`${path}[${item.id}]`, item, byId.get(item.id), out);
    for (const item of b) if (!ids.has(item.id)) out.push({ op: '+', path: `${path}[${item.id}]`, to: item });
    return;
  }
  out.push({ op: '~', path, from: a, to: b });
}

function diffMember(path: string, a: unknown, b: unknown, out: DiffEntry[]): void {
  if (a === undefined && b !== undefined) out.push({ op: '+', path, to: b });
  else if (a !== undefined && b === undefined) out.push({ op: '-', path, from: a });
  else diffValue(path, a, b, out);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * Key order never matters; list order does not either: keyed lists are matched by id, and
 * every list of plain values in a policy is a set (conditions, channels, charge types).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (isKeyed(value)) return [...value].sort((x, y) => compare(x.id, y.id)).map(canonical);
    return value.map((item) => JSON.stringify(canonical(item))).sort(compare);
  }
  if (isRecord(value))
    return Object.fromEntries(
      Object.keys(value)
        .filter((key) => value[key] !== undefined)
        .sort(compare)
        .map((key) => [key, canonical(value[key])]),
    );
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeyed(list: readonly unknown[]): list is { id: string }[] {
  return list.every((item) => isRecord(item) && typeof item.id === 'string');
}

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function lastKey(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
