import { simulateText } from './testing.ts';

// Random valid scenarios (seeded, so every run is the same): several leases in four states,
// shared tenants, charges, payments, NSF returns, credits, write-offs, every hold kind (some
// backdated), releases, agents' requests and approvals by every role, replies, delivery
// failures, move-outs, re-deliveries and conflicting re-deliveries. `arrears simulate` must
// take any of them without an internal error, verify its audit chain, and be deterministic.

/** A scenario document from `seed` (a linear congruential generator: no dependency, stable). */
export function randomScenario(initial: number): Record<string, unknown> {
  let seed = initial;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
  const day = (d: number) => new Date(Date.UTC(2026, 2, 1) + d * 86400000).toISOString().slice(0, 10);
  const props = [
    { id: 'CA', jurisdiction: 'US-CA', timezone: 'America/Los_Angeles', units: 20 },
    { id: 'NY', jurisdiction: 'US-NY', timezone: 'America/New_York', units: 3, cares_covered: true },
    { id: 'TX', jurisdiction: 'US-TX', timezone: 'America/Chicago', units: 12 },
    { id: 'FL', jurisdiction: 'US-FL', timezone: 'America/New_York', units: 8 },
  ];
  const leases = Array.from({ length: int(1, 3) }, (_, i) => ({
    id: `L${i}`,
    property: pick(props).id,
    kind: rnd() < 0.8 ? 'residential' : 'commercial',
    rent_cents: int(5, 30) * 10000,
    due_day: pick([1, 1, 5, 15, 31]),
    grace_days: int(0, 5),
    collector: pick(['first_party', 'first_party', 'agency', 'third_party_manager']),
    ...(rnd() < 0.5
      ? {
          late_fee: pick([
            { kind: 'flat', amount_cents: 5000 },
            { kind: 'percent', bps: 500 },
            { kind: 'daily', initial_cents: 2500, daily_cents: 500, cap_cents: 10000 },
          ]),
        }
      : {}),
    tenants: [
      rnd() < 0.3
        ? { id: 'T0', name: 'X', email: 'x@example.test', phone: '+14155550100', sms_consent: true }
        : {
            id: `T${i + 1}`,
            name: 'X',
            email: 'x@example.test',
            ...(rnd() < 0.7 ? { phone: '+14155550100', sms_consent: rnd() < 0.7 } : {}),
          },
    ],
  }));
  const events: Record<string, unknown>[] = [];
  const holds: string[] = [];
  const reqs: string[] = [];
  const pays: string[] = [];
  for (let k = 0; k < int(3, 25); k++) {
    const lease = pick(leases).id;
    const atDay = int(0, 80);
    const at = day(atDay);
    const r = rnd();
    if (r < 0.25)
      events.push({
        at,
        type: 'charge',
        lease,
        id: `C${k}`,
        kind: pick(['rent', 'rent', 'utilities', 'other']),
        amount_cents: int(1, 30) * 10000,
      });
    else if (r < 0.45) {
      events.push({ at, type: 'payment', lease, id: `P${k}`, amount_cents: int(1, 30) * 5000 });
      pays.push(`${lease}|P${k}`);
    } else if (r < 0.5 && pays.length) {
      const [l, p] = pick(pays).split('|');
      events.push({ at, type: 'reversal', lease: l, id: `V${k}`, of: p, reason: 'nsf' });
    } else if (r < 0.6) {
      const kind = pick([
        'promise_to_pay',
        'payment_plan',
        'dispute',
        'bankruptcy',
        'scra',
        'deceased',
        'manual',
        'payment_in_transit',
      ]);
      const h: Record<string, unknown> = {
        at,
        type: 'hold',
        lease,
        id: `H${k}`,
        kind,
        by: pick(['agent-1', 'manager-1', 'counsel-1']),
      };
      if (kind === 'promise_to_pay') h.promises = [{ by: day(atDay + int(0, 20)), amount_cents: int(1, 20) * 5000 }];
      if (kind === 'payment_plan')
        h.installments = Array.from({ length: int(1, 4) }, (_, j) => ({
          by: day(atDay + int(0, 10) + 15 * j),
          amount_cents: int(1, 10) * 5000,
        }));
      if (kind === 'dispute') h.amount_cents = int(1, 10) * 5000;
      if (kind === 'bankruptcy') h.chapter = pick([7, 13]);
      if (kind === 'manual') h.until = day(int(85, 95)); // after every possible start
      if (rnd() < 0.3) h.from = day(int(0, 80));
      events.push(h);
      holds.push(`H${k}`);
    } else if (r < 0.65 && holds.length)
      events.push({
        at,
        type: 'hold_release',
        hold: pick(holds),
        by: pick(['agent-1', 'manager-1', 'counsel-1']),
        reason: 'x',
      });
    else if (r < 0.75) {
      const action = pick([
        'email',
        'sms',
        'call',
        'letter',
        'notice',
        'escalate',
        'placement',
        'credit_report',
        'write_off',
        'remove_cares_flag',
      ]);
      const q: Record<string, unknown> = {
        at: `${at}T${String(int(0, 23)).padStart(2, '0')}:30:00-05:00`,
        type: 'request',
        lease,
        id: `Q${k}`,
        action,
        by: pick(['agent-1', 'manager-1']),
      };
      if (action === 'notice')
        q.notice = pick([
          'pay_or_quit',
          'rent_demand_14_day',
          'rent_not_received',
          'notice_to_vacate',
          'validation',
          'notice_of_default',
        ]);
      events.push(q);
      reqs.push(`Q${k}`);
    } else if (r < 0.82 && reqs.length)
      events.push({
        at: `${at}T15:00:00-05:00`,
        type: 'approval',
        request: pick(reqs),
        decision: rnd() < 0.7 ? 'approve' : 'reject',
        reason: 'r',
        by: pick(['agent-1', 'manager-1', 'counsel-1']),
      });
    else if (r < 0.86)
      events.push({
        at,
        type: 'inbound',
        lease,
        channel: pick(['sms', 'email']),
        body: pick(['STOP', 'I need help', 'ok thanks', 'unsubscribe']),
      });
    else if (r < 0.9) events.push({ at, type: 'delivery_failed', lease, channel: pick(['email', 'sms', 'letter']) });
    else if (r < 0.93) events.push({ at, type: 'move_out', lease, deposit_applied_cents: int(0, 3) * 50000 });
    else if (r < 0.96) events.push({ at, type: 'credit', lease, id: `K${k}`, amount_cents: int(1, 10) * 5000 });
    else events.push({ at, type: 'write_off', lease, id: `W${k}`, amount_cents: int(1, 10) * 5000 });
  }
  const extra = [];
  for (const e of events) {
    if (rnd() < 0.15) extra.push({ ...e });
    if (rnd() < 0.05 && typeof e.amount_cents === 'number' && e.type !== 'hold')
      extra.push({ ...e, amount_cents: (e.amount_cents as number) + 100 });
  }
  events.push(...extra);
  for (const l of leases)
    for (let m = 0; m < 3; m++)
      events.push({
        at: day(m * 31),
        type: 'charge',
        lease: l.id,
        id: `R${m}`,
        kind: 'rent',
        amount_cents: l.rent_cents,
      });
  const doc = {
    version: 1,
    start: '2026-03-01',
    end: day(95),
    policy: pick(['default-residential', 'default-residential', 'default-commercial']),
    users: [
      { id: 'agent-1', role: 'agent' },
      { id: 'manager-1', role: 'manager' },
      { id: 'counsel-1', role: 'counsel' },
    ],
    properties: props,
    leases,
    events,
    org: { reg_f_for_all: rnd() < 0.2, fee_review: rnd() < 0.2, consolidate_contacts: rnd() < 0.5 },
  };
  return doc;
}

test.each([1, 2, 3, 4, 5, 6])('random scenario %i runs to the end with a verified audit chain', async (n) => {
  const doc = randomScenario(n * 7919);
  const report = await simulateText(JSON.stringify(doc));
  expect(report.audit.verified).toBe(true);
  expect(Object.keys(report.final).sort()).toEqual((doc.leases as { id: string }[]).map((l) => l.id).sort());
  // No contact twice for one step: every action id is unique.
  const ids = report.actions.map((a) => a.id);
  expect(new Set(ids).size).toBe(ids.length);
});

test('the same random scenario gives the same report, byte for byte', async () => {
  const doc = randomScenario(4 * 7919);
  expect(JSON.stringify(await simulateText(JSON.stringify(doc)))).toBe(
    JSON.stringify(await simulateText(JSON.stringify(doc))),
  );
});
