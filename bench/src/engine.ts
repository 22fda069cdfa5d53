import type { Scenario, ScenarioEvent } from '@arrears/shared';
import { dateOf, monthOf } from '../../server/src/demo/history.ts';
import { generateDemoPortfolio } from '../../server/src/demo/portfolio.ts';
import { loadConfig } from '../../server/src/config/config.ts';
import { decide, type EngineEvent } from '../../server/src/engine/decide.ts';
import { severity } from '../../server/src/engine/severity.ts';
import { contactGuard } from '../../server/src/escalation/guards.ts';
import { parseScenario } from '../../server/src/simulate/load.ts';
import { buildReport } from '../../server/src/simulate/report.ts';
import { runScenario } from '../../server/src/simulate/run.ts';
import { addCalendarDays } from '../../server/src/time/zoned.ts';
import { decideCase, type DecideCase } from './engine-data.ts';
import type { BenchOptions } from './harness.ts';
import { heading, int, median, printEnvironment, progress, secs, table, timed } from './harness.ts';

/** What run.ts parses for this benchmark on top of the common options. */
export interface EngineOptions {
  decisions?: number;
  months?: number;
}

const TARGET = 200_000; // decisions/s
const POOL = 10_000; // distinct leases; the timed loop cycles through them
const DEMO_AS_OF = '2026-03-31'; // the demo's 18 months of history end in this month (holiday calendars: 2024-2032)
const DEMO_HISTORY_MONTHS = 18; // server/src/demo/portfolio.ts

export async function run(options: BenchOptions & EngineOptions): Promise<void> {
  benchDecide(options.decisions ?? 500_000, options.runs ?? 5);
  await benchSimulate(options.leases ?? 25, options.months ?? 18, options.runs ?? 1);
}

type Input = DecideCase & { event: EngineEvent };

/** `n` calls of `fn` cycling through the inputs: milliseconds and the sum of what it returned. */
function loop(inputs: readonly Input[], n: number, fn: (c: Input) => number): { ms: number; sum: number } {
  let sum = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sum += fn(inputs[i % inputs.length]!);
  return { ms: performance.now() - t0, sum };
}
const decideOne = (c: Input) => decide(c.policy, c.state, c.event, c.now).commands.length;
const severityOne = (c: Input) => severity(c.policy, c.facts).days_past_due;

/** `label count, ...`, most frequent first. */
function tally(items: Iterable<string>, top = 12): string {
  const out = new Map<string, number>();
  for (const item of items) out.set(item, (out.get(item) ?? 0) + 1);
  const sorted = [...out].sort((a, b) => b[1] - a[1]);
  const more = sorted.length > top ? `, ${sorted.length - top} more` : '';
  return `${sorted
    .slice(0, top)
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(', ')}${more}`;
}

function benchDecide(n: number, runs: number): void {
  const size = Math.min(n, POOL);
  progress(`building ${int(size)} leases' facts, action ledgers and yesterday's case states (seeded)`);
  const inputs: Input[] = Array.from({ length: size }, (_, i) => {
    const c = decideCase(i);
    return { ...c, event: { type: 'evaluate', cause: 'schedule', facts: c.facts, known: c.known } };
  });
  const avg = (f: (c: Input) => number, digits = 1) => (inputs.reduce((s, c) => s + f(c), 0) / size).toFixed(digits);
  // One untimed decision per lease: what the commands are.
  const commandKinds = inputs.flatMap((c) =>
    decide(c.policy, c.state, c.event, c.now).commands.map((cmd) =>
      cmd.op === 'create' ? `${cmd.effect.type}/${cmd.effect.status}` : `${cmd.op} ${cmd.status}`,
    ),
  );
  const warm = Math.max(size, Math.round(n / 5));
  progress(`warm-up: ${int(warm)} decide() and as many severity() calls`);
  loop(inputs, warm, decideOne);
  loop(inputs, warm, severityOne);
  progress(`measuring: ${runs} passes of ${int(n)} calls each, decide() and severity() interleaved`);
  const d: number[] = [];
  const s: number[] = [];
  let commands = 0;
  for (let i = 1; i <= runs; i++) {
    const b = loop(inputs, n, severityOne); // first: decide()'s garbage would be collected on its time
    const a = loop(inputs, n, decideOne);
    d.push(a.ms);
    s.push(b.ms);
    commands = a.sum;
    progress(`  pass ${i}/${runs}: decide ${secs(a.ms)}, severity ${secs(b.ms)}`);
  }
  const [dm, sm] = [median(d), median(s)];
  const rate = (ms: number) => (n * 1000) / ms;
  const line = (ms: number, times: number[]) =>
    `${int(rate(ms))} decisions/s  ${((ms * 1000) / n).toFixed(2)} µs/decision  (${secs(ms)} for ${int(n)}, ` +
    `median of ${runs}; min ${secs(Math.min(...times))}, max ${secs(Math.max(...times))})`;
  heading(`engine: decide() on one core, ${int(n)} decisions over ${int(size)} leases`);
  table([
    ['mix (generated)', tally(inputs.map((c) => c.mix))],
    ['level today', tally(inputs.map((c) => severity(c.policy, c.facts).level))],
    ['policies', tally(inputs.map((c) => c.policy.id))],
    [
      'per lease (avg)',
      `${avg((c) => c.known.length)} known effects (max ${Math.max(...inputs.map((c) => c.known.length))}), ` +
        `${avg((c) => c.facts.open_charges.length, 2)} open charges, ${avg((c) => c.facts.credits.length)} credits`,
    ],
    ['holds', tally(inputs.map((c) => c.facts.holds.map((h) => h.kind).join('+') || 'none'))],
    [
      'returned payments',
      `${int(inputs.filter((c) => c.facts.credits.some((x) => x.kind === 'reversal')).length)} leases`,
    ],
    ['(a) severity() alone', line(sm, s)],
    ['(b) decide()', line(dm, d)],
    ['commands (b)', `${int(commands)} in ${int(n)} decisions (${(commands / n).toFixed(3)} per decision)`],
    ['commands, 1 per lease', tally(commandKinds)],
    ['ratio (b)/(a)', `${(dm / sm).toFixed(1)}x severity()'s time per decision (the part every engine must do)`],
    ['target', `>= ${int(TARGET)} decisions/s: ${rate(dm) >= TARGET ? 'met' : 'NOT met'} (${int(rate(dm))}/s)`],
  ]);
}

/**
 * The first `leases` leases of the demo portfolio (its default seed) as a scenario over the first
 * `months` months of its history: tenants with contact points and consents, the ledger as charge,
 * payment, credit, write-off and reversal events on their effective day, move-outs and STOP replies.
 * The feed's NSF fee charges are left out (default-residential posts its own), and leases carry no
 * late-fee terms (the feed's late fees are in the ledger), so no fee is charged twice.
 */
function demoScenario(leases: number, months: number) {
  const seed = loadConfig({}).demo.seed;
  const portfolio = generateDemoPortfolio({ seed, asOf: new Date(`${DEMO_AS_OF}T12:00:00Z`) });
  const from = monthOf(DEMO_AS_OF) - DEMO_HISTORY_MONTHS + 1;
  const start = dateOf(from, 1);
  const end = [DEMO_AS_OF, addCalendarDays(dateOf(from + months, 1), -1)].sort()[0]!;
  const picked = portfolio.leases.slice(0, leases);
  const ids = new Set(picked.map((l) => l.id));
  const inside = (day: string) => day >= start && day <= end;
  const events: ScenarioEvent[] = [];
  for (const e of portfolio.events) {
    if (!ids.has(e.lease_id) || !inside(e.effective_on)) continue;
    const base = { lease: e.lease_id, at: e.effective_on, id: e.external_id };
    const cents = { ...base, amount_cents: e.amount_cents ?? 0 };
    if (e.kind === 'charge' && e.charge_type !== 'nsf_fee')
      events.push({ ...cents, type: 'charge', kind: e.charge_type, due: e.due_on ?? e.effective_on });
    if (e.kind === 'reversal') events.push({ ...base, type: 'reversal', of: e.reverses, reason: e.reason });
    if (e.kind === 'credit') events.push({ ...cents, type: 'credit', ...(e.memo ? { reason: e.memo } : {}) });
    if (e.kind === 'payment' || e.kind === 'write_off') events.push({ ...cents, type: e.kind });
  }
  const tenants = new Map(portfolio.tenants.map((t) => [t.id, t]));
  const consent = (id: string, channel: string) =>
    portfolio.tenant_consents.find((c) => c.tenant_id === id && c.channel === channel);
  const point = (id: string, channel: string) =>
    portfolio.contact_points.find((p) => p.tenant_id === id && p.channel === channel)?.value;
  const tenantsOf = (lease: string) =>
    portfolio.lease_tenants
      .filter((lt) => lt.lease_id === lease)
      .map(({ tenant_id, role }) => {
        const t = tenants.get(tenant_id)!;
        const sms = consent(t.id, 'sms');
        // A tenant who texted STOP during the window had consented; the reply revokes it.
        const stop = sms?.source === 'sms_stop' && role === 'primary' && inside(sms.changed_at.slice(0, 10));
        if (stop) events.push({ lease, at: sms.changed_at, type: 'inbound', channel: 'sms', body: 'STOP' });
        const [email, phone, zone] = [point(t.id, 'email'), point(t.id, 'phone'), t.phone_timezone];
        return {
          ...{ id: t.id, name: t.name, language: t.language, type: t.kind, role },
          ...{ sms_consent: stop || sms?.granted === true, voice_consent: consent(t.id, 'voice')?.granted === true },
          ...(email ? { email } : {}),
          ...(phone ? { phone } : {}),
          ...(zone ? { phone_timezone: zone } : {}),
        };
      });
  const rows = picked.map((lease) => {
    const { id, property_id: property, kind, rent_cents, due_day, grace_days, collector, segment } = lease;
    if (lease.moved_out_on && inside(lease.moved_out_on))
      events.push({ lease: id, at: lease.moved_out_on, type: 'move_out', deposit_applied_cents: 0 });
    return { id, property, kind, rent_cents, due_day, grace_days, collector, segment, tenants: tenantsOf(id) };
  });
  const properties = portfolio.properties
    .filter((p) => picked.some((l) => l.property_id === p.id))
    .map(({ id, jurisdiction, timezone, units, cares_covered }) => ({
      id,
      jurisdiction,
      timezone,
      units,
      cares_covered,
    }));
  const doc = { version: 1, start, end, policy: 'default-residential', properties, leases: rows, events };
  // The product's own loader: the zod Scenario schema plus its cross-checks.
  const scenario = parseScenario(JSON.stringify(doc), 'demo portfolio');
  const days = Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1;
  const commercial = picked.filter((l) => l.kind === 'commercial').length;
  return { scenario, days, seed, total: portfolio.leases.length, commercial };
}

async function simulate(scenario: Scenario, keep = false) {
  const { ms, value } = await timed(async () => {
    const run = await runScenario(scenario, contactGuard);
    return { run, report: await buildReport(run) };
  });
  if (!keep) await value.run.close();
  return { ms, ...value };
}

const span = (ms: number) =>
  ms >= 7_200_000 ? `${(ms / 3_600_000).toFixed(1)} h` : ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : secs(ms);

async function benchSimulate(leases: number, months: number, runs: number): Promise<void> {
  progress(`demo portfolio -> scenario: first ${int(leases)} leases, ${months} months, validated by parseScenario`);
  const { scenario, days, seed, total, commercial } = demoScenario(leases, months);
  const { start, end } = scenario;
  const first = scenario.leases[0]!.id;
  const events = scenario.events.filter((e) => 'lease' in e && e.lease === first && e.at.slice(0, 10) === start);
  const oneDay: Scenario = { ...scenario, leases: [scenario.leases[0]!], end: start, events };
  progress('warm-up: 1 lease, 1 day (builds the migrated PGlite template once), then the same again: the fixed cost');
  await simulate(oneDay);
  const fixed = (await simulate(oneDay)).ms;
  const n = scenario.leases.length;
  const leaseDays = n * days;
  progress(
    `measuring: ${runs} run(s) of runScenario + buildReport over ${int(leaseDays)} lease-days (${start}..${end})`,
  );
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof simulate>> | undefined;
  for (let i = 1; i <= runs; i++) {
    await last?.run.close();
    last = await simulate(scenario, true);
    times.push(last.ms);
    progress(`  run ${i}/${runs}: ${secs(last.ms)}, ${int(last.report.actions.length)} actions`);
  }
  const { report, run } = last!;
  const ms = median(times);
  const net = (ms - fixed) / leaseDays;
  const all = total * days;
  const audit = `audit ${int(report.audit.entries)} entries, chain ${report.audit.verified ? 'verified' : 'BROKEN'}`;
  heading(`engine: simulate the demo portfolio (seed ${seed}), ${int(n)} of ${int(total)} leases, ${start}..${end}`);
  table([
    [
      'scenario',
      `${int(n)} leases, ${int(scenario.events.length)} events: ${tally(scenario.events.map((e) => e.type))}`,
    ],
    ['policy', `default-residential for every lease (one policy per scenario; ${commercial} commercial in the sample)`],
    ['fixed cost per run', `${secs(fixed)}  (fresh PGlite from the migrated template, seed, report: 1 lease, 1 day)`],
    ['wall time', `${secs(ms)}  runScenario(scenario, contactGuard) + buildReport (median of ${runs})`],
    ['actions', `${int(report.actions.length)}: ${tally(report.actions.map((a) => `${a.type}/${a.status}`))}`],
    ['level changes', `${int(report.levels.length)}; ${audit}`],
    ['lease-days simulated', `${int(leaseDays)} (${int(n)} leases x ${int(days)} days)`],
    ['ms per lease-day', `${(ms / leaseDays).toFixed(2)} ms (${net.toFixed(2)} ms net of the fixed cost)`],
    n === total
      ? ['whole portfolio', `measured above: every lease of the demo portfolio (${int(all)} lease-days)`]
      : [
          `PROJECTION, ${int(total)} leases`,
          net > 0
            ? `${span(fixed + net * all)} for ${int(all)} lease-days (${int(total)} leases x ${int(days)} days): ` +
              'the fixed cost plus the net ms per lease-day measured on this sample, linearly; NOT measured'
            : // The sample ran faster than the fixed-cost warm-up (a busy machine, a tiny sample): no slope to project.
              `none: the sample took no longer than the fixed cost; run more leases (--leases ${int(total)} measures all)`,
        ],
  ]);
  try {
    await printEnvironment(run.db.knex);
  } finally {
    await run.close();
  }
}
