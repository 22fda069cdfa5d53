import { readFile } from 'node:fs/promises';
import { PolicyDocument, Scenario, ScenarioEvent } from '@arrears/shared';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { SUPPORTED_YEARS } from '../compliance/calendar/index.ts';
import { CARES_NOTICE_TO_VACATE } from '../compliance/rules/federal-collection.ts';
import { canonicalJson } from '../json/canonical.ts';
import { issuePath } from '../ledger/validate.ts';
import { BUILTIN_POLICIES } from '../policy/builtin.ts';
import { localDate } from '../time/zoned.ts';

export interface ScenarioProblem {
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  readonly problems: ScenarioProblem[];

  constructor(file: string, problems: ScenarioProblem[]) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** Reads a scenario (YAML or JSON: JSON is YAML) and lists every problem with its path. */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(file, [{ path: '(file)', message: (error as Error).message }]);
  }
  return parseScenario(text, file);
}

export function parseScenario(text: string, file = 'scenario'): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0)
    throw new ScenarioError(
      file,
      doc.errors.map((e) => ({ path: `(line ${lines.linePos(e.pos[0]).line})`, message: e.message.split('\n')[0]! })),
    );
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined)
    throw new ScenarioError(file, [{ path: '(root)', message: 'the file is empty; expected a scenario object' }]);
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ScenarioError(file, [
      {
        path: '(root)',
        message: `expected a scenario object (version, start, end, policy, properties, leases, events), got ${Array.isArray(raw) ? 'a list' : `a ${typeof raw}`}`,
      },
    ]);
  const parsed = Scenario.safeParse(raw);
  // Cross-references are checked even when the schema fails, on whatever parts of the file do
  // parse, so a customer sees every problem in one run, not one layer at a time.
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.flatMap((issue) => toProblems(issue, raw as Record<string, unknown>))),
    ...crossCheck(view(raw as Record<string, unknown>, parsed.success ? parsed.data : undefined)),
  ];
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length > 0 || !parsed.success) throw new ScenarioError(file, unique);
  return parsed.data;
}

/**
 * zod's issues in the words a scenario's author needs: an unknown key is reported on the key,
 * and the `policy` union (a built-in id or an inline document) says which of the two failed.
 */
function toProblems(issue: z.core.$ZodIssue, raw: Record<string, unknown>): ScenarioProblem[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ path: issuePath([...issue.path, key]), message: 'unknown field' }));
  const path = issuePath(issue.path);
  if (issue.path.length > 0 && isMissing(raw, issue.path)) {
    const expected =
      path === 'policy'
        ? 'expected a built-in policy id or an inline policy document'
        : issue.message.replace(/^Invalid (input|option): /, '').replace(/, received undefined$/, '');
    return [{ path, message: `missing; ${expected}` }];
  }
  if (issue.path.length === 1 && issue.path[0] === 'policy' && issue.code === 'invalid_union') {
    const policy = raw.policy;
    if (policy !== null && typeof policy === 'object' && !Array.isArray(policy)) {
      const inline = PolicyDocument.safeParse(policy);
      if (!inline.success)
        return inline.error.issues.flatMap((inner) => toProblems({ ...inner, path: ['policy', ...inner.path] }, raw));
    }
    return [
      {
        path: 'policy',
        message: `expected a built-in policy id (${[...BUILTIN_POLICIES.keys()].join(', ')}) or an inline policy document`,
      },
    ];
  }
  if (issue.path.at(-1) === 'phone' && typeof valueAt(raw, issue.path) === 'number')
    return [
      { path, message: 'expected a phone number in quotes, e.g. "+14155550101" (bare, YAML reads it as a number)' },
    ];
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'chapter')
    return [{ path: issuePath(issue.path), message: 'expected chapter 7, 11 or 13' }];
  return [{ path: issuePath(issue.path), message: issue.message }];
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node = raw;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Whether the field at `path` is absent from an object that is there. */
function isMissing(raw: unknown, path: readonly PropertyKey[]): boolean {
  let node = raw;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return (
    node !== null &&
    typeof node === 'object' &&
    !Array.isArray(node) &&
    (node as Record<PropertyKey, unknown>)[path.at(-1)!] === undefined
  );
}

type Indexed<T> = { i: number; item: T };

/** What the cross-checks need, from a file that may only partly parse. */
interface View {
  start?: string;
  end?: string;
  policy?: unknown;
  users: Indexed<{ id: string; role?: unknown }>[];
  properties: Indexed<{ id: string; timezone?: string; cares_covered?: unknown }>[];
  leases: Indexed<{ id: string; property?: unknown; tenants: Indexed<Record<string, unknown> & { id: string }>[] }>[];
  events: Indexed<ScenarioEvent>[];
}

function view(raw: Record<string, unknown>, parsed: Scenario | undefined): View {
  const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
  const id = (value: unknown) => (typeof value === 'number' ? String(value) : value);
  const withId = <T>(value: unknown): Indexed<T & { id: string }>[] =>
    list(value).flatMap((item, i) => {
      if (item === null || typeof item !== 'object') return [];
      const key = id((item as { id?: unknown }).id);
      return typeof key === 'string' ? [{ i, item: { ...(item as T), id: key } }] : [];
    });
  const date = (value: unknown) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? value
      : value instanceof Date
        ? value.toISOString().slice(0, 10)
        : undefined;
  const zoneOk = (zone: unknown) => {
    if (typeof zone !== 'string') return undefined;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    } catch {
      return undefined;
    }
  };
  return {
    start: parsed?.start ?? date(raw.start),
    end: parsed?.end ?? date(raw.end),
    policy: parsed ? parsed.policy : raw.policy,
    users: withId(raw.users),
    properties: withId<{ timezone?: unknown; cares_covered?: unknown }>(raw.properties).map(({ i, item }) => ({
      i,
      item: { id: item.id, timezone: zoneOk(item.timezone), cares_covered: item.cares_covered },
    })),
    leases: withId<{ property?: unknown; tenants?: unknown }>(raw.leases).map(({ i, item }) => ({
      i,
      item: { id: item.id, property: id(item.property), tenants: withId<Record<string, unknown>>(item.tenants) },
    })),
    events: parsed
      ? parsed.events.map((item, i) => ({ i, item }))
      : list(raw.events).flatMap((value, i) => {
          const event = ScenarioEvent.safeParse(value);
          return event.success ? [{ i, item: event.data }] : [];
        }),
  };
}

/** What a schema cannot see: references between sections, and dates inside the window. */
function crossCheck(s: View): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (s.start && s.end && s.end < s.start) add('end', `must not be before start (${s.start})`);
  for (const field of ['start', 'end'] as const) {
    const day = s[field];
    if (day && (day < `${SUPPORTED_YEARS.from}-01-01` || day > `${SUPPORTED_YEARS.to}-12-31`))
      add(field, `the holiday calendars cover ${SUPPORTED_YEARS.from}-${SUPPORTED_YEARS.to}; ${day} is outside them`);
  }
  if (typeof s.policy === 'string' && s.policy !== '' && !BUILTIN_POLICIES.has(s.policy))
    add(
      'policy',
      `unknown built-in policy "${s.policy}"; expected one of ${[...BUILTIN_POLICIES.keys()].join(', ')} or an inline policy document`,
    );
  const covered = s.properties.filter((p) => p.item.cares_covered === true).map((p) => p.item.id);
  const inline = typeof s.policy === 'object' ? PolicyDocument.safeParse(s.policy) : undefined;
  if (inline?.success && covered.length > 0)
    inline.data.levels.forEach((level, i) =>
      level.steps.forEach((step, k) => {
        if (
          step.notice === 'notice_to_vacate' &&
          step.period_days !== undefined &&
          step.period_days < CARES_NOTICE_TO_VACATE.params.min_days
        )
          add(
            `policy.levels[${i}].steps[${k}].period_days`,
            `${step.period_days} days is shorter than the ${CARES_NOTICE_TO_VACATE.params.min_days} days ${CARES_NOTICE_TO_VACATE.citation} requires for covered ${covered.join(', ')}`,
          );
      }),
    );
  const unique = (items: Indexed<{ id: string }>[], where: string) => {
    const seen = new Set<string>();
    for (const { i, item } of items) {
      if (seen.has(item.id)) add(`${where}[${i}].id`, `duplicate id ${item.id}`);
      seen.add(item.id);
    }
    return seen;
  };
  const users = unique(s.users, 'users');
  unique(s.properties, 'properties');
  const zoneOfProperty = new Map<string, string | undefined>();
  for (const { item } of s.properties) if (!zoneOfProperty.has(item.id)) zoneOfProperty.set(item.id, item.timezone);
  const leases = unique(s.leases, 'leases');
  const zoneOfLease = new Map<string, string | undefined>();
  const tenants = new Map<string, string>();
  for (const { i, item: lease } of s.leases) {
    if (typeof lease.property === 'string') {
      if (!zoneOfProperty.has(lease.property)) add(`leases[${i}].property`, `unknown property ${lease.property}`);
      zoneOfLease.set(lease.id, zoneOfProperty.get(lease.property));
    }
    const onLease = new Set<string>();
    for (const { i: j, item: tenant } of lease.tenants) {
      // A repeat on the same lease is one problem, the duplicate: it is not "another lease".
      if (onLease.has(tenant.id)) {
        add(`leases[${i}].tenants[${j}].id`, `duplicate tenant ${tenant.id} on lease ${lease.id}`);
        continue;
      }
      onLease.add(tenant.id);
      // The same person on several leases: described alike (in any key order); their role is per lease.
      const described = canonicalJson({ ...(tenant as object), role: undefined });
      const other = tenants.get(tenant.id);
      if (other && other !== described)
        add(`leases[${i}].tenants[${j}].id`, `tenant ${tenant.id} is described differently on another lease`);
      tenants.set(tenant.id, described);
    }
  }
  // Hold and request ids are unique per lease; an event naming one on several leases names its lease.
  const holds = new Map<string, Set<string>>();
  const requests = new Map<string, Set<string>>();
  // A scenario has no history before its start: a reversal can only undo a payment in the file.
  const payments = new Set(s.events.flatMap(({ item: e }) => (e.type === 'payment' ? [`${e.lease}\0${e.id}`] : [])));
  for (const { item: event } of s.events)
    if (event.type === 'hold' || event.type === 'request') {
      const ids = event.type === 'hold' ? holds : requests;
      ids.set(event.id, (ids.get(event.id) ?? new Set()).add(event.lease));
    }
  /** The lease an event naming a hold or request belongs to, or a problem. */
  const leaseNamed = (path: string, what: string, id: string, on: Set<string> | undefined, lease?: string) => {
    if (!on) return undefined;
    if (lease !== undefined) {
      if (!on.has(lease)) add(path, `${what} ${id} is not on lease ${lease} (it is on ${[...on].join(', ')})`);
      return lease;
    }
    if (on.size > 1)
      add(path, `${what} ${id} is on leases ${[...on].join(' and ')}; name the lease too (lease: ${[...on][0]})`);
    return [...on][0];
  };
  // When end is before start there are no simulated days to judge events against; `end` says so.
  const window = s.start && s.end && s.start <= s.end ? `${s.start}..${s.end}` : undefined;
  for (const { i, item: event } of s.events) {
    const path = `events[${i}]`;
    const named = 'lease' in event ? event.lease : undefined;
    if (named !== undefined && !leases.has(named)) add(`${path}.lease`, `unknown lease ${named}`);
    if ('by' in event && event.by !== undefined && !users.has(event.by))
      add(`${path}.by`, `unknown user ${event.by}; list everyone named in "by" under users`);
    let lease = named;
    if (event.type === 'reversal' && named !== undefined && !payments.has(`${named}\0${event.of}`))
      add(`${path}.of`, `unknown payment ${event.of} on lease ${named}; a reversal undoes a payment of this file`);
    if (event.type === 'hold_release') {
      if (!holds.has(event.hold)) add(`${path}.hold`, `unknown hold ${event.hold}`);
      lease = leaseNamed(`${path}.hold`, 'hold', event.hold, holds.get(event.hold), event.lease);
    }
    if (event.type === 'approval') {
      const actionOf = s.leases.find(({ item }) => event.request.startsWith(`${item.id}:`))?.item.id;
      const on = requests.get(event.request) ?? holds.get(event.request);
      if (!on && !actionOf)
        add(
          `${path}.request`,
          `unknown request ${event.request}; an approval names a request's id, a hold's id or an action id from the output`,
        );
      lease = on ? leaseNamed(`${path}.request`, 'request', event.request, on, event.lease) : (event.lease ?? actionOf);
    }
    const zone = lease === undefined ? undefined : zoneOfLease.get(lease);
    // A bare date is a local day; an instant's day is the one it falls on in the lease's zone.
    const day = event.at.length === 10 ? event.at : zone ? localDate(new Date(event.at), zone) : event.at.slice(0, 10);
    if (window && (day < s.start! || day > s.end!))
      add(
        `${path}.at`,
        `outside the simulated days ${window}${day !== event.at.slice(0, 10) ? ` (it is ${day} in ${zone})` : ''}`,
      );
    if (event.type === 'hold') {
      const startsOn = event.from ?? day;
      if (event.until && event.until < startsOn)
        add(`${path}.until`, `must not be before the hold starts (${startsOn})`);
      for (const field of ['promises', 'installments'] as const)
        event[field]?.forEach((installment, k) => {
          if (installment.by < startsOn)
            add(`${path}.${field}[${k}].by`, `must not be before the hold starts (${startsOn})`);
        });
    }
  }
  return problems;
}
