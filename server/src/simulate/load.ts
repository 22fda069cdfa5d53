import { readFile } from 'node:fs/promises';
import { Scenario } from '@arrears/shared';
import { LineCounter, parseDocument } from 'yaml';
import { SUPPORTED_YEARS } from '../compliance/calendar/index.ts';
import { CARES_NOTICE_TO_VACATE } from '../compliance/rules/federal-collection.ts';
import { issuePath } from '../ledger/validate.ts';
import { BUILTIN_POLICIES } from '../policy/builtin.ts';

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
  const parsed = Scenario.safeParse(doc.toJS());
  if (!parsed.success)
    throw new ScenarioError(
      file,
      parsed.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })),
    );
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return parsed.data;
}

/** What a schema cannot see: references between sections, and dates inside the window. */
function crossCheck(s: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (s.end < s.start) add('end', `must not be before start (${s.start})`);
  for (const field of ['start', 'end'] as const)
    if (s[field] < `${SUPPORTED_YEARS.from}-01-01` || s[field] > `${SUPPORTED_YEARS.to}-12-31`)
      add(
        field,
        `the holiday calendars cover ${SUPPORTED_YEARS.from}-${SUPPORTED_YEARS.to}; ${s[field]} is outside them`,
      );
  if (typeof s.policy === 'string' && !BUILTIN_POLICIES.has(s.policy))
    add(
      'policy',
      `unknown built-in policy "${s.policy}"; expected one of ${[...BUILTIN_POLICIES.keys()].join(', ')} or an inline policy document`,
    );
  const covered = s.properties.filter((p) => p.cares_covered).map((p) => p.id);
  if (typeof s.policy !== 'string' && covered.length > 0)
    s.policy.levels.forEach((level, i) =>
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
  const unique = (items: { id: string }[], where: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id)) add(`${where}[${i}].id`, `duplicate id ${item.id}`);
      seen.add(item.id);
    });
    return seen;
  };
  const users = unique(s.users, 'users');
  const properties = unique(s.properties, 'properties');
  const leases = unique(s.leases, 'leases');
  const tenants = new Map<string, string>();
  s.leases.forEach((lease, i) => {
    if (!properties.has(lease.property)) add(`leases[${i}].property`, `unknown property ${lease.property}`);
    lease.tenants.forEach((tenant, j) => {
      const other = tenants.get(tenant.id);
      if (other && other !== JSON.stringify(tenant))
        add(`leases[${i}].tenants[${j}].id`, `tenant ${tenant.id} is described differently on another lease`);
      tenants.set(tenant.id, JSON.stringify(tenant));
    });
  });
  const holds = new Set<string>();
  const requests = new Set<string>();
  s.events.forEach((event, i) => {
    const path = `events[${i}]`;
    if ('lease' in event && !leases.has(event.lease)) add(`${path}.lease`, `unknown lease ${event.lease}`);
    if ('by' in event && event.by !== undefined && !users.has(event.by))
      add(`${path}.by`, `unknown user ${event.by}; list everyone named in "by" under users`);
    const day = event.at.slice(0, 10);
    if (day < s.start || day > s.end) add(`${path}.at`, `outside the simulated days ${s.start}..${s.end}`);
    if (event.type === 'hold') holds.add(event.id);
    if (event.type === 'request') requests.add(event.id);
  });
  s.events.forEach((event, i) => {
    if (event.type === 'hold_release' && !holds.has(event.hold)) add(`events[${i}].hold`, `unknown hold ${event.hold}`);
  });
  return problems;
}
