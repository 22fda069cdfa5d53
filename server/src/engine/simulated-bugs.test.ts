import { BUILTIN_POLICIES } from '../policy/builtin.ts';
import { zonedInstant } from '../time/zoned.ts';
import { contactGuard } from '../escalation/guards.ts';
import { dispatchDecision } from './dispatch.ts';
import type { Hold, KnownEffect, LeaseFacts } from './facts.ts';
import { EngineHarness, FIXTURE_TZ, leaseFacts, rent } from './testing/facts-fixture.ts';

// Bugs found by running hand-written scenarios through `arrears simulate`: one test each, on the
// pure engine (the simulate-level ones are in simulate/hand-written.test.ts).

const RESIDENTIAL = BUILTIN_POLICIES.get('default-residential')!;

const hold = (kind: Hold['kind'], starts_on: string, extra: Partial<Hold> = {}): Hold => ({
  id: `H-${kind}`,
  kind,
  status: 'active',
  starts_on,
  ends_on: null,
  terms: {},
  created_by: 'agent',
  ...extra,
});

const scheduled = (key: string, type: string, payload: Record<string, unknown>, request_id: string | null = null) =>
  ({
    key,
    type,
    status: 'scheduled',
    step_id: null,
    anchor_due_on: '2026-04-01',
    request_id,
    drafted_by: request_id ? 'agent' : null,
    due_at: zonedInstant('2026-04-25', '17:00', FIXTURE_TZ).toISOString(),
    payload,
  }) satisfies KnownEffect;

describe('an SCRA hold blocks legal steps, placement and credit reporting (contact continues)', () => {
  const texas = (today: string, overrides: Partial<LeaseFacts> = {}) => {
    const facts = leaseFacts(today, { open_charges: [rent('2026-04-01')], ...overrides });
    return { ...facts, property: { ...facts.property, jurisdiction: 'US-TX', units: 3 } };
  };
  const scra = [hold('scra', '2026-04-02')];
  const agent = { id: 'agent', role: 'agent' } as const;

  test('agent requests for a notice to vacate, a referral, a placement or a credit report are refused with the rule', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    const requests = [
      { id: 'NTV', action: 'notice', notice: 'notice_to_vacate' },
      { id: 'ESC', action: 'escalate' },
      { id: 'PL', action: 'placement' },
      { id: 'CR', action: 'credit_report' },
    ] as const;
    for (const request of requests)
      engine.evaluate(texas('2026-04-25', { holds: scra }), '09:00', { type: 'request', request, actor: agent });
    for (const request of requests)
      expect(engine.effects.get(`L:request:${request.id}`)).toMatchObject({
        status: 'blocked',
        reason: 'hold_scra',
      });
    expect(engine.created.find((c) => c.effect.key === 'L:request:CR')?.effect.rule).toMatchObject({
      id: 'US/scra-protections@2003-12-19',
    });
    // An agent's own letter is not a legal step: it goes out.
    engine.evaluate(texas('2026-04-25', { holds: scra }), '10:00', {
      type: 'request',
      request: { id: 'LET', action: 'letter' },
      actor: agent,
    });
    expect(engine.effects.get('L:request:LET')?.status).toBe('scheduled');
  });

  test('policy steps: contact continues, the notice to vacate waits and resumes after the hold ends', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    for (let d = 2; d <= 30; d++) {
      const today = `2026-04-${String(d).padStart(2, '0')}`;
      engine.evaluate(texas(today, { holds: scra }));
      engine.sendAll();
    }
    expect(engine.effects.get('L:late-email:2026-04-01')?.status).toBe('sent');
    expect(engine.effects.get('L:demand-letter:2026-04-01')?.status).toBe('sent');
    expect(engine.effects.has('L:notice-to-vacate:2026-04-01')).toBe(false);
    // The hold ended Apr 30: the notice is drafted on the next business day, not "missed".
    const ended = [hold('scra', '2026-04-02', { status: 'released', ends_on: '2026-04-30' })];
    engine.evaluate(texas('2026-05-01', { holds: ended }));
    expect(engine.effects.get('L:notice-to-vacate:2026-04-01')).toMatchObject({
      type: 'approval_request',
      status: 'awaiting_approval',
    });
  });

  test('at dispatch: a notice or credit report approved before the hold began is blocked', () => {
    const facts = texas('2026-04-25', { holds: scra });
    const at = zonedInstant('2026-04-25', '17:00', FIXTURE_TZ);
    const notice = scheduled('L:request:NTV:notice', 'notice', { notice: 'notice_to_vacate' }, 'NTV');
    const credit = scheduled('L:request:CR:credit_report', 'credit_report', {}, 'CR');
    const placement = scheduled('L:agency-placement:2026-04-01:placement', 'placement', {});
    for (const effect of [notice, credit, placement])
      expect(dispatchDecision(RESIDENTIAL, effect, facts, at, contactGuard)).toMatchObject({
        status: 'blocked',
        reason: 'hold_scra',
        rule: { id: 'US/scra-protections@2003-12-19', verified: false },
      });
  });
});

describe('after move-out, possession remedies stop; collecting the balance goes on (s11-moveout-status)', () => {
  const gone = (today: string) => {
    const facts = leaseFacts(today, { open_charges: [rent('2026-06-01', 50_000)] });
    return { ...facts, lease: { ...facts.lease, status: 'moved_out', moved_out_on: '2026-06-30' } };
  };

  test('the pending pay-or-quit is cancelled, the eviction referral suppressed, placement still drafted', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    for (let d = 2; d <= 29; d++) {
      engine.evaluate(leaseFacts(`2026-06-${String(d).padStart(2, '0')}`, { open_charges: [rent('2026-06-01')] }));
      engine.sendAll();
    }
    expect(engine.effects.get('L:pay-or-quit:2026-06-01')?.status).toBe('awaiting_approval');
    engine.evaluate(gone('2026-06-30'));
    expect(engine.effects.get('L:pay-or-quit:2026-06-01')).toMatchObject({ status: 'cancelled', reason: 'moved_out' });
    expect(engine.effects.get('L:eviction-referral-ca-fl:2026-06-01')).toMatchObject({
      status: 'suppressed',
      reason: 'moved_out',
    });
    for (let d = 1; d <= 31; d++) engine.evaluate(gone(`2026-07-${String(d).padStart(2, '0')}`));
    expect(engine.effects.get('L:agency-placement:2026-06-01')).toMatchObject({
      type: 'approval_request',
      status: 'awaiting_approval',
    });
  });

  test('an agent cannot draft a pay-or-quit for a tenant who left, and one scheduled before is not served', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    engine.evaluate(gone('2026-07-02'), '10:00', {
      type: 'request',
      request: { id: 'PQ', action: 'notice', notice: 'pay_or_quit' },
      actor: { id: 'agent', role: 'agent' },
    });
    expect(engine.effects.get('L:request:PQ')).toMatchObject({ status: 'blocked', reason: 'moved_out' });
    const notice = scheduled('L:pay-or-quit:2026-06-01:notice', 'notice', { notice: 'pay_or_quit' });
    expect(
      dispatchDecision(
        RESIDENTIAL,
        notice,
        gone('2026-07-02'),
        zonedInstant('2026-07-02', '17:00', FIXTURE_TZ),
        contactGuard,
      ),
    ).toEqual({ status: 'suppressed', reason: 'moved_out' });
  });
});

test('residential-only fee limits (NY RPL 238-a, TX 92.019) do not cap or tag a commercial lease', () => {
  const percent = { kind: 'percent', bps: 500 } as const;
  const fee = (jurisdiction: string, kind: 'residential' | 'commercial') => {
    const engine = new EngineHarness(RESIDENTIAL);
    const facts = leaseFacts('2026-07-07', { open_charges: [rent('2026-07-01', 1_250_000)] });
    engine.evaluate({
      ...facts,
      property: { ...facts.property, jurisdiction },
      lease: { ...facts.lease, kind, rent_cents: 1_250_000, late_fee: percent },
    });
    return engine.ofType('late_fee')[0];
  };
  expect(fee('US-NY', 'residential')).toMatchObject({
    payload: { amount_cents: 5000 },
    rule: { id: 'US-NY/late-fee-limit@2019-06-14' },
  });
  const shop = fee('US-NY', 'commercial');
  expect(shop?.payload.amount_cents).toBe(62_500);
  expect(shop?.rule).toBeUndefined();
  const warehouse = fee('US-TX', 'commercial');
  expect(warehouse?.payload.amount_cents).toBe(62_500);
  expect(warehouse?.rule).toBeUndefined();
});

describe('only the old fee unpaid: no late fee on rent, nothing to demand (s01-portfolio-year)', () => {
  // The loader reads the ledger rent-first (rent-first.ts): July rent paid in full after the June
  // fee stayed unpaid leaves the June fee open, not a residue of July rent.
  const flat = (facts: LeaseFacts): LeaseFacts => ({
    ...facts,
    lease: { ...facts.lease, late_fee: { kind: 'flat', amount_cents: 5000 } },
  });
  const juneFee = {
    external_id: 'L:late_fee:2026-06-01',
    charge_type: 'late_fee' as const,
    due_on: '2026-06-07',
    amount_cents: 5000,
    open_cents: 5000,
  };
  const withJuneFee = () => {
    const engine = new EngineHarness(RESIDENTIAL);
    engine.evaluate(flat(leaseFacts('2026-06-07', { open_charges: [rent('2026-06-01')] })));
    engine.sendAll();
    expect(engine.effects.get('L:late_fee:2026-06-01')?.status).toBe('posted');
    return engine;
  };

  test('the June fee alone draws no July fee, and the lease stays anchored on the fee', () => {
    const engine = withJuneFee();
    const facts = flat(leaseFacts('2026-07-07', { open_charges: [juneFee] }));
    const decision = engine.evaluate(facts);
    expect(engine.effects.has('L:late_fee:2026-07-01')).toBe(false);
    expect(decision.next).toMatchObject({ anchor_due_on: '2026-06-07', days_past_due: 30, balance_cents: 5000 });
  });

  test('July rent really short (the June fee still open) does draw the July fee', () => {
    const engine = withJuneFee();
    engine.evaluate(flat(leaseFacts('2026-07-07', { open_charges: [juneFee, rent('2026-07-01', 5000)] })));
    expect(engine.effects.get('L:late_fee:2026-07-01')?.status).toBe('scheduled');
  });

  test('a rent-only pay-or-quit is not drafted when only fees are owed', () => {
    const engine = withJuneFee();
    for (let d = 8; d <= 30; d++)
      engine.evaluate(flat(leaseFacts(`2026-06-${String(d).padStart(2, '0')}`, { open_charges: [juneFee] })));
    expect(engine.effects.get('L:pay-or-quit:2026-06-07')).toMatchObject({
      type: 'notice',
      status: 'suppressed',
      reason: 'nothing_to_demand',
    });
  });
});

describe('a fee whose day fell under a fee-pausing hold is never posted later', () => {
  const flat = (facts: LeaseFacts): LeaseFacts => ({
    ...facts,
    lease: { ...facts.lease, grace_days: 3, late_fee: { kind: 'flat', amount_cents: 5000 } },
  });

  test('bankruptcy released May 20: no fee for May (fee day May 5), the next period is charged (s05-holds BK7)', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    const bk = hold('bankruptcy', '2026-04-15', { terms: { chapter: 7 } });
    engine.evaluate(flat(leaseFacts('2026-05-05', { open_charges: [rent('2026-05-01')], holds: [bk] })));
    const released = { ...bk, status: 'released' as const, ends_on: '2026-05-20' };
    engine.evaluate(flat(leaseFacts('2026-05-20', { open_charges: [rent('2026-05-01')], holds: [released] })), '10:00');
    engine.evaluate(flat(leaseFacts('2026-05-21', { open_charges: [rent('2026-05-01')], holds: [released] })));
    expect(engine.ofType('late_fee')).toEqual([]);
    engine.evaluate(
      flat(leaseFacts('2026-06-05', { open_charges: [rent('2026-05-01'), rent('2026-06-01')], holds: [released] })),
    );
    expect(engine.ofType('late_fee').map((f) => f.key)).toEqual(['L:late_fee:2026-06-01']);
  });

  test('a manual hold over the fee day: nothing when it is released early (like s08-shared-ids lease B)', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    const manual = hold('manual', '2026-06-02', { ends_on: '2026-06-30' });
    engine.evaluate(flat(leaseFacts('2026-06-05', { open_charges: [rent('2026-06-01')], holds: [manual] })));
    const released = { ...manual, status: 'released' as const, ends_on: '2026-06-10' };
    engine.evaluate(flat(leaseFacts('2026-06-10', { open_charges: [rent('2026-06-01')], holds: [released] })), '10:00');
    engine.evaluate(flat(leaseFacts('2026-06-11', { open_charges: [rent('2026-06-01')], holds: [released] })));
    expect(engine.ofType('late_fee')).toEqual([]);
  });
});

test('a daily fee accrues again on the first day after a manual hold (robustness-portfolio WA-9)', () => {
  const engine = new EngineHarness(RESIDENTIAL);
  const daily = (facts: LeaseFacts): LeaseFacts => ({
    ...facts,
    lease: {
      ...facts.lease,
      grace_days: 3,
      late_fee: { kind: 'daily', initial_cents: 2500, daily_cents: 500, cap_cents: 5000 },
    },
  });
  engine.evaluate(daily(leaseFacts('2026-03-05', { open_charges: [rent('2026-03-01')] })), '08:00');
  engine.sendAll();
  // The hold starts on the fee day itself, after the initial fee posted.
  const manual = hold('manual', '2026-03-05', { ends_on: '2026-03-09' });
  for (const day of ['2026-03-06', '2026-03-09', '2026-03-10'])
    engine.evaluate(daily(leaseFacts(day, { open_charges: [rent('2026-03-01')], holds: [manual] })));
  expect(engine.ofType('late_fee').map((f) => f.key)).toEqual([
    'L:late_fee:2026-03-01',
    'L:late_fee:2026-03-01:2026-03-10',
  ]);
});

test('a notice refused because the law does not accept the channel names the rule (RPAPL 711, SMS)', () => {
  const engine = new EngineHarness(RESIDENTIAL);
  const facts = leaseFacts('2026-05-08', { open_charges: [rent('2026-05-01')] });
  const ny = { ...facts, property: { ...facts.property, jurisdiction: 'US-NY' } };
  engine.evaluate(ny, '10:00', {
    type: 'request',
    request: { id: 'SMS-DEMAND', action: 'notice', notice: 'rent_demand_14_day', channel: 'sms' },
    actor: { id: 'agent', role: 'agent' },
  });
  const blocked = engine.created.find((c) => c.effect.key === 'L:request:SMS-DEMAND')?.effect;
  expect(blocked).toMatchObject({
    status: 'blocked',
    reason: 'channel_not_permitted',
    rule: { id: 'US-NY/rent-demand-14-day@2019-06-14', citation: 'N.Y. RPAPL 711(2)', verified: true },
  });
});

test('a notice of default for a residential lease is refused, not drafted under the lease rule', () => {
  const engine = new EngineHarness(RESIDENTIAL);
  const facts = leaseFacts('2026-06-20', { open_charges: [rent('2026-06-01')] });
  const florida = { ...facts, property: { ...facts.property, jurisdiction: 'US-FL' } };
  const request = { type: 'request', actor: { id: 'agent', role: 'agent' } } as const;
  engine.evaluate(florida, '10:00', {
    ...request,
    request: { id: 'NOD', action: 'notice', notice: 'notice_of_default' },
  });
  expect(engine.effects.get('L:request:NOD')).toMatchObject({ status: 'blocked', reason: 'notice_not_applicable' });
  const shop = { ...florida, lease: { ...florida.lease, kind: 'commercial' as const } };
  engine.evaluate(shop, '11:00', {
    ...request,
    request: { id: 'NOD-2', action: 'notice', notice: 'notice_of_default' },
  });
  expect(engine.effects.get('L:request:NOD-2')).toMatchObject({ status: 'awaiting_approval' });
});

describe('the catch-up window is for downtime only (r1-placement)', () => {
  const days = (from: string, count: number) => {
    const start = Date.parse(`${from}T12:00:00Z`);
    return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
  };
  const missed = (engine: EngineHarness) =>
    engine.created.filter((c) => c.effect.reason === 'missed_catch_up_window').map((c) => c.effect.key);

  test('a referral waiting for its notice does not hold up placement until it is "missed"', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    for (const day of days('2026-04-02', 64)) {
      engine.evaluate(leaseFacts(day, { open_charges: [rent('2026-04-01')] }));
      engine.sendAll();
    }
    expect(engine.effects.get('L:pay-or-quit:2026-04-01')?.status).toBe('awaiting_approval');
    expect(engine.created.find((c) => c.effect.key === 'L:agency-placement:2026-04-01')).toMatchObject({
      day: '2026-05-31',
      effect: { type: 'approval_request', status: 'awaiting_approval' },
    });
    expect(missed(engine)).toEqual([]);
  });

  test('after a hold, one group a day: the last group is not suppressed as missed', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    const manual = hold('manual', '2026-06-02', { ends_on: '2026-06-20' });
    for (const day of days('2026-06-01', 30)) {
      const held = day <= '2026-06-21' ? manual : { ...manual, status: 'expired' as const };
      engine.evaluate(leaseFacts(day, { open_charges: [rent('2026-06-01')], holds: [held] }));
      engine.sendAll();
    }
    expect(missed(engine)).toEqual([]);
    expect(engine.created.find((c) => c.effect.key === 'L:pay-or-quit:2026-06-01')).toMatchObject({
      day: '2026-06-26',
      effect: { type: 'approval_request', status: 'awaiting_approval' },
    });
  });

  test('real downtime still skips what is too late', () => {
    const engine = new EngineHarness(RESIDENTIAL);
    for (const day of ['2026-04-02', '2026-04-20'])
      engine.evaluate(leaseFacts(day, { open_charges: [rent('2026-04-01')] }));
    expect(missed(engine)).toContain('L:late-email:2026-04-01');
  });
});
