import { actionsOf, simulateText } from '../../simulate/testing.ts';

// The send-time guards through `arrears simulate`: Reg F counts calendar days in the tenant's
// zone (12 CFR 1006.14(b)(2)(i)), and the one opt-out confirmation goes within the FCC's five
// minutes or not at all (47 CFR 64.1200(a)(12)). An agency collects, so Reg F applies.

function scenario(start: string, end: string, events: readonly string[]): string[] {
  return [
    'version: 1',
    `start: ${start}`,
    `end: ${end}`,
    'policy:',
    '  id: manual-only',
    '  name: agents only',
    '  levels: [{id: L1, days: {min: 1}}]',
    '  late_fees: {enabled: false}',
    'users: [{id: agent-1, role: agent}]',
    'properties: [{id: P1, jurisdiction: US-WA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: TP, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5, collector: agency,',
    '     tenants: [{id: T1, name: Ana, email: a@example.test, phone: "+14155550101", sms_consent: true}]}',
    'events:',
    `  - {at: ${start}, type: charge, lease: TP, id: R1, kind: rent, amount_cents: 100000}`,
    ...events,
  ];
}

const callRequest = (id: string, at: string) =>
  `  - {at: "${at}", type: request, lease: TP, id: ${id}, action: call, by: agent-1}`;

function calls(report: Awaited<ReturnType<typeof simulateText>>) {
  return Object.fromEntries(actionsOf(report, 'TP', 'call').map((c) => [c.request, [c.status, c.reason ?? null]]));
}

test('after a conversation Thu Oct 1 16:00, all of Thu Oct 8 is open: the conversation day is day 1', async () => {
  const report = await simulateText(
    scenario('2026-09-01', '2026-10-09', [
      '  - {at: "2026-10-01T16:00:00-07:00", type: conversation, lease: TP, channel: call}',
      callRequest('C-OCT7-2000', '2026-10-07T20:00:00-07:00'),
      callRequest('C-OCT8-0800', '2026-10-08T08:00:00-07:00'),
      callRequest('C-OCT8-1500', '2026-10-08T15:00:00-07:00'),
    ]),
  );
  expect(calls(report)).toEqual({
    'C-OCT7-2000': ['blocked', 'call_after_conversation'],
    'C-OCT8-0800': ['sent', null],
    'C-OCT8-1500': ['sent', null],
  });
});

test('7 calls Mar 2-4: the 8th is blocked Sun Mar 8, a call Mon Mar 9 09:00 goes (Mar 3-9 holds 4)', async () => {
  const week = [
    ['C1', '2026-03-02T10:00:00-08:00'],
    ['C2', '2026-03-02T12:00:00-08:00'],
    ['C3', '2026-03-02T14:00:00-08:00'],
    ['C4', '2026-03-03T10:00:00-08:00'],
    ['C5', '2026-03-03T12:00:00-08:00'],
    ['C6', '2026-03-04T10:00:00-08:00'],
    ['C7', '2026-03-04T12:00:00-08:00'],
  ] as const;
  const report = await simulateText(
    scenario('2026-03-01', '2026-03-09', [
      ...week.map(([id, at]) => callRequest(id, at)),
      callRequest('C8-SUN', '2026-03-08T20:00:00-07:00'),
      callRequest('C9-MON', '2026-03-09T09:00:00-07:00'),
    ]),
  );
  expect(calls(report)).toMatchObject({
    C7: ['sent', null],
    'C8-SUN': ['blocked', 'call_frequency_cap'],
    'C9-MON': ['sent', null],
  });
});

test('an opt-out at 23:30 gets no confirmation (the morning is past the five minutes); one at 07:57 gets it at 08:00', async () => {
  const report = await simulateText(
    scenario('2026-03-01', '2026-03-05', [
      '  - {at: "2026-03-02T23:30:00-08:00", type: inbound, lease: TP, channel: sms, body: STOP}',
      '  - {at: "2026-03-04T07:57:00-08:00", type: inbound, lease: TP, channel: sms, body: STOP}',
    ]),
  );
  expect(actionsOf(report, 'TP', 'sms')).toMatchObject([
    {
      at: '2026-03-02T23:30:00-08:00',
      status: 'suppressed',
      reason: 'confirmation_window_passed',
      rule: {
        id: 'US/tcpa-opt-out-confirmation@2024-04-04',
        citation: '47 CFR 64.1200(a)(12); FCC 24-24, 89 FR 15756',
        verified: true,
      },
    },
    { at: '2026-03-04T08:00:00-08:00', status: 'sent' },
  ]);
});
