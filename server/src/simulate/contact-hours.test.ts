import { actionsOf, simulateText } from './testing.ts';

// Contact hours for a landlord collecting its own rent (no Reg F): calls and texts keep the
// product's 8:00–21:00, emails go at any hour — except in Florida, whose FCCPA binds the
// landlord itself on every electronic channel.

const PHONE_HOURS = { id: 'ARREARS/phone-contact-hours@2020-01-01', verified: true };

test('a first-party text planned for 00:30 goes at 08:00 local; an email at 00:30 goes at once', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-04-01',
    'end: 2026-04-10',
    'policy:',
    '  id: night-owl',
    '  name: Steps at half past midnight',
    '  late_fees: {enabled: false}',
    '  levels:',
    '    - id: L1',
    '      days: {min: 1}',
    '      steps:',
    '        - {id: night-sms, day: 2, at: "00:30", action: sms, template: rent-late-short}',
    '        - {id: night-email, day: 2, at: "00:30", action: email, template: rent-late}',
    'users: [{id: agent-1, role: agent}]',
    'properties: [{id: CA, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 10}]',
    'leases:',
    '  - {id: L, property: CA, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 0, collector: first_party,',
    '     tenants: [{id: T, name: Pat, email: p@example.test, phone: "+14155550100", sms_consent: true, voice_consent: true}]}',
    'events:',
    '  - {at: 2026-04-01, type: charge, lease: L, id: R-04, kind: rent, amount_cents: 150000}',
    '  - {at: "2026-04-06T23:15:00-07:00", type: request, lease: L, id: LATE-SMS, action: sms, by: agent-1}',
    '  - {at: "2026-04-07T23:15:00-07:00", type: request, lease: L, id: LATE-EMAIL, action: email, by: agent-1}',
  ]);
  const sms = actionsOf(report, 'L', 'sms');
  // The automated step waits for the morning (deferred, not dropped) and is sent once.
  expect(sms.filter((a) => !a.request)).toMatchObject([{ status: 'sent', at: '2026-04-03T08:00:00-07:00' }]);
  // An agent's one-click text at 23:15 is refused with the rule that decided it.
  expect(sms.filter((a) => a.request === 'LATE-SMS')).toMatchObject([
    { status: 'blocked', reason: 'quiet_hours', rule: PHONE_HOURS },
  ]);
  const email = actionsOf(report, 'L', 'email');
  expect(email.filter((a) => !a.request)).toMatchObject([{ status: 'sent', at: '2026-04-03T00:30:00-07:00' }]);
  expect(email.filter((a) => a.request === 'LATE-EMAIL')).toMatchObject([{ status: 'sent' }]);
});

test('in Florida a landlord’s own email at 22:00 is refused too (Fla. Stat. 559.72(17))', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-04-01',
    'end: 2026-04-10',
    'policy: default-residential',
    'users: [{id: agent-1, role: agent}]',
    'properties: [{id: FL, jurisdiction: US-FL, timezone: America/New_York, units: 10}]',
    'leases:',
    '  - {id: F, property: FL, kind: residential, rent_cents: 150000, due_day: 1, grace_days: 3, collector: first_party,',
    '     tenants: [{id: T, name: Sam, email: s@example.test}]}',
    'events:',
    '  - {at: 2026-04-01, type: charge, lease: F, id: R-04, kind: rent, amount_cents: 150000}',
    '  - {at: "2026-04-06T22:00:00-04:00", type: request, lease: F, id: NIGHT, action: email, by: agent-1}',
    '  - {at: "2026-04-07T10:00:00-04:00", type: request, lease: F, id: MORNING, action: email, by: agent-1}',
  ]);
  const email = actionsOf(report, 'F', 'email');
  expect(email.filter((a) => a.request === 'NIGHT')).toMatchObject([
    {
      status: 'blocked',
      reason: 'quiet_hours',
      rule: { id: 'US-FL/fccpa-contact-hours@2010-10-01', citation: 'Fla. Stat. 559.72(17)' },
    },
  ]);
  expect(email.filter((a) => a.request === 'MORNING')).toMatchObject([{ status: 'sent' }]);
});
