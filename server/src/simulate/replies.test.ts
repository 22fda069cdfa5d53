import { actionsOf, simulateText } from './testing.ts';

// A reply that is neither an opt-out nor a call for help goes to a person: a text or an email
// opens a task carrying it; a reply on a call is a telephone conversation (Reg F 1006.14).

const scenario = (channel: string, body: string) => [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-03-16',
  'policy: default-residential',
  'users: [{id: agent-7, role: agent}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, collector: agency,',
  '     tenants: [{id: T1, name: Ana Ruiz, email: ana@example.test, phone: "+14155550101", sms_consent: true}]}',
  'events:',
  '  - {at: 2026-03-01, type: charge, lease: L1, id: RENT-03, kind: rent, amount_cents: 200000}',
  `  - {at: "2026-03-09T15:00:00-07:00", type: inbound, lease: L1, channel: ${channel}, body: "${body}"}`,
];

const replyTasks = (report: Awaited<ReturnType<typeof simulateText>>) =>
  actionsOf(report, 'L1', 'task').filter((t) => String(t.id).includes(':reply:'));

test('a free-text email or text opens a task for a person, and is no telephone conversation', async () => {
  for (const channel of ['email', 'sms']) {
    const report = await simulateText(scenario(channel, 'Please stop emailing me, I lost my job'));
    expect(replyTasks(report)).toEqual([
      expect.objectContaining({ status: 'sent', at: '2026-03-09T15:00:00-07:00', template: 'tenant-replied' }),
    ]);
    // The day-10 call (Mar 11) is not held back by a reply in writing.
    expect(actionsOf(report, 'L1', 'call')).toEqual([expect.objectContaining({ status: 'sent' })]);
  }
});

test('a reply on a call is a conversation: no task, and no call for seven days after it', async () => {
  const report = await simulateText(scenario('call', 'I will pay on Friday'));
  expect(replyTasks(report)).toEqual([]);
  expect(actionsOf(report, 'L1', 'call')).toEqual([
    expect.objectContaining({ status: 'blocked', reason: 'call_after_conversation' }),
  ]);
});

test('two tenants asking for help at the same instant each pause their own lease', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-05',
    'policy: default-residential',
    'properties: [{id: P1, jurisdiction: US-WA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: A, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: TA, name: Ann, email: a@example.test, phone: "+14155550001", sms_consent: true}]}',
    '  - {id: B, property: P1, kind: residential, rent_cents: 100000, due_day: 1, grace_days: 5,',
    '     tenants: [{id: TB, name: Bea, email: b@example.test, phone: "+14155550002", sms_consent: true}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: A, id: R1, kind: rent, amount_cents: 100000}',
    '  - {at: 2026-03-01, type: charge, lease: B, id: R1, kind: rent, amount_cents: 100000}',
    '  - {at: "2026-03-02T12:00:00-08:00", type: inbound, lease: A, channel: sms, body: "I need help"}',
    '  - {at: "2026-03-02T12:00:00-08:00", type: inbound, lease: B, channel: sms, body: "I need help"}',
  ]);
  for (const lease of ['A', 'B']) {
    // The late email (Mar 3) and text (Mar 4) wait for a person to answer, on both leases.
    expect(actionsOf(report, lease, 'email').filter((e) => e.status === 'sent')).toEqual([]);
    expect(actionsOf(report, lease, 'sms').filter((e) => e.status === 'sent')).toEqual([]);
    expect(report.final[lease]!.holds).toEqual([expect.objectContaining({ kind: 'manual', status: 'active' })]);
  }
});
