import type { PolicyDocument, Scenario, ScenarioEvent } from '@arrears/shared';
import { Scenario as ScenarioSchema } from '@arrears/shared';
import { generateDemoPortfolio } from '../../server/src/demo/portfolio.ts';
import { decide, INITIAL_STATE, type EngineEvent } from '../../server/src/engine/decide.ts';
import { asKnown } from '../../server/src/engine/effects.ts';
import type { KnownEffect, LeaseFacts } from '../../server/src/engine/facts.ts';
import { severity } from '../../server/src/engine/severity.ts';
import { leaseFacts, rent } from '../../server/src/engine/testing/facts-fixture.ts';
import { contactGuard } from '../../server/src/escalation/guards.ts';
import { BUILTIN_POLICIES } from '../../server/src/policy/builtin.ts';
import { buildReport } from '../../server/src/simulate/report.ts';
import { runScenario } from '../../server/src/simulate/run.ts';
import { addCalendarDays, zonedInstant } from '../../server/src/time/zoned.ts';
import { heading, int, progress, secs, table, type BenchOptions } from './harness.ts';

/**
 * `engine`: the pure decide() on one core over a realistic mix of leases, beside severity()
 * alone (what every engine must compute) as the in-process baseline; then `simulate` wall
 * time for a sample of the demo portfolio, with a projection for all of it.
 */
export async function run(options: BenchOptions): Promise<void> {
  decisions(options.rows ?? 500_000);
  await simulation(options.leases ?? 25, options.runs ?? 18);
}

interface Case {
  policy: PolicyDocument;
  facts: LeaseFacts;
  known: KnownEffect[];
  now: Date;
}

/** Deterministic mix: 60 % current, 15 % in grace, 25 % delinquent 5-120 days with 1-4 charges. */
function mix(count: number): Case[] {
  let seed = 20_261_123;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const policies = [BUILTIN_POLICIES.get('default-residential')!, BUILTIN_POLICIES.get('default-commercial')!];
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const policy = policies[random() < 0.85 ? 0 : 1]!;
    const roll = random();
    const today = addCalendarDays('2026-06-01', Math.floor(random() * 120));
    let open: LeaseFacts['open_charges'] = [];
    if (roll >= 0.6 && roll < 0.75) open = [rent(addCalendarDays(today, -1 - Math.floor(random() * 4)))];
    if (roll >= 0.75) {
      const age = 5 + Math.floor(random() * 116);
      const charges = 1 + Math.floor(random() * 4);
      open = Array.from({ length: charges }, (_, k) => rent(addCalendarDays(today, -age + k * 30))).filter(
        (c) => c.due_on < today,
      );
      if (random() < 0.3)
        open.push({ ...rent(addCalendarDays(today, -age + 6), 7_500, 'late_fee'), amount_cents: 7_500 });
    }
    const base = leaseFacts(today, { open_charges: open });
    const facts: LeaseFacts = {
      ...base,
      lease: {
        ...base.lease,
        kind: policy.id === 'default-commercial' ? 'commercial' : 'residential',
        grace_days: 5,
        late_fee: { kind: 'flat', amount_cents: 7_500 },
      },
      unapplied_credit_cents: random() < 0.1 ? 5_000 : 0,
      holds:
        roll >= 0.75 && random() < 0.1
          ? [
              {
                id: 'H',
                kind: random() < 0.5 ? 'promise_to_pay' : 'dispute',
                status: 'active',
                starts_on: addCalendarDays(today, -3),
                ends_on: addCalendarDays(today, 10),
                terms: { amount_cents: 20_000, promises: [{ by: addCalendarDays(today, 10), amount_cents: 50_000 }] },
                created_by: 'agent',
              },
            ]
          : [],
    };
    // The action ledger a lease of that age has: what the engine decided the day before.
    const yesterday = { ...facts, today: addCalendarDays(today, -1) };
    const prior = decide(
      policy,
      INITIAL_STATE,
      { type: 'evaluate', cause: 'schedule', facts: yesterday, known: [] },
      zonedInstant(yesterday.today, '00:00', facts.property.timezone),
    );
    const known = prior.commands.flatMap((c) => (c.op === 'create' ? [{ ...asKnown(c.effect), status: 'sent' }] : []));
    cases.push({ policy, facts, known, now: zonedInstant(today, '00:00', facts.property.timezone) });
  }
  return cases;
}

function decisions(count: number): void {
  heading(`decide(): ${int(count)} decisions on one core`);
  const cases = mix(10_000);
  const loop = (fn: (c: Case) => number) => {
    let produced = 0;
    const start = performance.now();
    for (let i = 0; i < count; i++) produced += fn(cases[i % cases.length]!);
    return { ms: performance.now() - start, produced };
  };
  const engine = (c: Case) =>
    decide(
      c.policy,
      INITIAL_STATE,
      { type: 'evaluate', cause: 'schedule', facts: c.facts, known: c.known } as EngineEvent,
      c.now,
    ).commands.length;
  const baseline = (c: Case) => (severity(c.policy, c.facts).anchor_due_on ? 1 : 0);
  loop(engine); // warm up the JIT on the same inputs
  loop(baseline);
  const measured = loop(engine);
  const base = loop(baseline);
  const rate = (count * 1000) / measured.ms;
  table([
    ['decide()', `${int(rate)} decisions/s  (${((measured.ms * 1000) / count).toFixed(2)} µs each)`],
    ['actions produced', `${int(measured.produced)} (${(measured.produced / count).toFixed(2)} per decision)`],
    ['severity() alone (baseline)', `${int((count * 1000) / base.ms)} /s`],
    ['decide / severity time', `${(measured.ms / base.ms).toFixed(1)}x`],
    ['target', `>= 200,000 decisions/s: ${rate >= 200_000 ? 'met' : 'NOT met'}`],
  ]);
}

/** The demo portfolio's first `leases` leases as a scenario over `months` months. */
function demoScenario(leases: number, months: number): Scenario {
  const demo = generateDemoPortfolio({ seed: 42, asOf: new Date('2026-11-01T00:00:00Z') });
  const chosen = demo.leases.filter((l) => l.kind === 'residential').slice(0, leases);
  const ids = new Set(chosen.map((l) => l.id));
  const start = addCalendarDays('2026-11-01', -Math.round(months * 30.4));
  const events: ScenarioEvent[] = [];
  for (const e of demo.events) {
    if (!ids.has(e.lease_id) || e.effective_on < start || e.effective_on >= '2026-11-01') continue;
    // The engine posts its own fees; the demo history's would be counted twice.
    if (e.kind === 'charge' && (e.charge_type === 'late_fee' || e.charge_type === 'nsf_fee')) continue;
    const base = { at: e.effective_on, lease: e.lease_id, id: e.external_id };
    if (e.kind === 'charge')
      events.push({
        ...base,
        type: 'charge',
        kind: e.charge_type,
        amount_cents: e.amount_cents,
        due: e.due_on ?? e.effective_on,
      });
    else if (e.kind === 'reversal') events.push({ ...base, type: 'reversal', of: e.reverses, reason: 'nsf' });
    else
      events.push({
        ...base,
        type: e.kind === 'write_off' ? 'write_off' : e.kind,
        amount_cents: e.amount_cents,
      } as ScenarioEvent);
  }
  const tenants = (lease: string) =>
    demo.lease_tenants
      .filter((lt) => lt.lease_id === lease)
      .map((lt) => ({
        id: lt.tenant_id,
        name: demo.tenants.find((t) => t.id === lt.tenant_id)!.name,
        email: `${lt.tenant_id}@example.test`,
        role: lt.role,
      }));
  const used = new Set(chosen.map((l) => l.property_id));
  return ScenarioSchema.parse({
    version: 1,
    start,
    end: '2026-10-31',
    policy: 'default-residential',
    properties: demo.properties
      .filter((p) => used.has(p.id))
      .map((p) => ({
        id: p.id,
        jurisdiction: p.jurisdiction,
        timezone: p.timezone,
        units: p.units,
        cares_covered: p.cares_covered,
      })),
    leases: chosen.map((l) => ({
      id: l.id,
      property: l.property_id,
      kind: l.kind,
      rent_cents: l.rent_cents,
      due_day: l.due_day,
      grace_days: l.grace_days,
      late_fee: l.late_fee,
      collector: l.collector,
      tenants: tenants(l.id),
    })),
    events,
  });
}

async function simulation(leases: number, months: number): Promise<void> {
  heading(`simulate: ${leases} demo leases over ${months} months (default-residential)`);
  const scenario = demoScenario(leases, months);
  progress(`${scenario.leases.length} leases, ${scenario.events.length} ledger events`);
  const start = performance.now();
  const run = await runScenario(scenario, contactGuard);
  const report = await buildReport(run);
  await run.close();
  const ms = performance.now() - start;
  const days = Math.round((Date.parse(scenario.end) - Date.parse(scenario.start)) / 86_400_000) + 1;
  const leaseDays = days * scenario.leases.length;
  table([
    ['wall time', secs(ms)],
    ['actions produced', int(report.actions.length)],
    ['lease-days simulated', int(leaseDays)],
    ['per lease-day', `${(ms / leaseDays).toFixed(2)} ms`],
    ['projection, all 500 demo leases', `${secs((ms / leaseDays) * days * 500)} (from this sample)`],
    ['audit chain', report.audit.verified ? `verified (${int(report.audit.entries)} entries)` : 'BROKEN'],
  ]);
}
