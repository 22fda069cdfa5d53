import { actionsOf, simulateText } from './testing.ts';

// A failed delivery sends the same step once on the next channel; returned mail has no next
// channel, so an agent gets a task to check the address.

const scenario = (channel: string) => [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-03-25',
  'policy: default-residential',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test, phone: "+14155550101", sms_consent: true}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 200000}',
  // The day-14 letter goes out Mar 15 at 09:00; the email of day 2 on Mar 3.
  `  - {at: "2026-03-20T10:00:00-07:00", type: delivery_failed, lease: L1, channel: ${channel}}`,
  `  - {at: "2026-03-21T10:00:00-07:00", type: delivery_failed, lease: L1, channel: ${channel}}`,
];

test('returned mail opens one agent task; a failed email falls back to a letter', async () => {
  const mail = await simulateText(scenario('letter'));
  const tasks = actionsOf(mail, 'L1', 'task').filter((t) => String(t.id).endsWith(':undeliverable'));
  expect(tasks).toEqual([expect.objectContaining({ status: 'sent', at: '2026-03-20T10:00:00-07:00' })]);

  const email = await simulateText(scenario('email'));
  expect(actionsOf(email, 'L1', 'task').filter((t) => String(t.id).endsWith(':undeliverable'))).toEqual([]);
  expect(actionsOf(email, 'L1', 'letter').filter((l) => String(l.id).includes(':fallback:letter'))).toHaveLength(1);
});

test("an agent's failed call falls back to a text that carries the request, within hours", async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-04',
    'policy: default-residential',
    'users: [{id: agent-1, role: agent}]',
    'properties: [{id: P1, jurisdiction: US-WA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: A, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5, collector: agency,',
    '     tenants: [{id: TA, name: Ana, email: a@example.test, phone: "+14155550001", sms_consent: true}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: A, id: R1, kind: rent, amount_cents: 100000}',
    '  - {at: "2026-03-02T20:50:00-08:00", type: request, lease: A, id: CALL, action: call, by: agent-1}',
    '  - {at: "2026-03-02T21:05:00-08:00", type: delivery_failed, lease: A, channel: call}',
  ]);
  // Reported after 21:00: the debt collector's text waits for 08:00 instead of being dropped.
  expect(actionsOf(report, 'A', 'sms').filter((a) => String(a.id).includes(':fallback:'))).toEqual([
    expect.objectContaining({
      status: 'sent',
      at: '2026-03-03T08:00:00-08:00',
      request: 'CALL',
      template: 'agent-call',
    }),
  ]);
});

test('a failed opt-out confirmation text is not sent again by email', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-02',
    'policy: default-residential',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: A, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: TA, name: Ana, email: a@example.test, phone: "+14155550001", sms_consent: true}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: A, id: R1, kind: rent, amount_cents: 100000}',
    '  - {at: "2026-03-01T12:00:00-08:00", type: inbound, lease: A, channel: sms, body: "STOP"}',
    '  - {at: "2026-03-01T12:01:00-08:00", type: delivery_failed, lease: A, channel: sms}',
  ]);
  expect(actionsOf(report, 'A', 'sms')).toEqual([
    expect.objectContaining({ status: 'sent', template: 'opt-out-confirmation' }),
  ]);
  expect(actionsOf(report, 'A', 'email').filter((e) => String(e.id).includes('fallback'))).toEqual([]);
});
