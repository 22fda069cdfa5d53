import { actionsOf, simulateText } from './testing.ts';

// A pay-or-quit the manager approved at noon, and a promise to pay the agent accepted at 14:05,
// before the 17:00 batch: the promise pauses the notice like any automated step.

const lease = (id: string) =>
  `  - {id: ${id}, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: T${id}, name: Ana ${id}, email: ${id}@example.test}]}`;

const lines = [
  'version: 1',
  'start: 2026-04-01',
  'end: 2026-05-08',
  'policy: default-residential',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
  'leases:',
  lease('BROKEN'),
  lease('KEPT'),
  'events:',
  ...['BROKEN', 'KEPT'].flatMap((id) => [
    `  - {at: 2026-04-01, type: charge, lease: ${id}, id: R4, kind: rent, amount_cents: 200000}`,
    `  - {at: "2026-04-22T12:00:00-07:00", type: approval, request: "${id}:pay-or-quit:2026-04-01", decision: approve, by: manager-1}`,
    `  - {at: "2026-04-22T14:05:00-07:00", type: hold, lease: ${id}, id: PTP, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-04-29, amount_cents: 207500}]}`,
  ]),
  '  - {at: "2026-04-28T10:00:00-07:00", type: payment, lease: KEPT, id: PAY-1, amount_cents: 207500}',
];

test('an approved notice waits out a promise entered before it was served: cancelled when kept, served when broken', async () => {
  const report = await simulateText(lines);
  // Broken on Apr 29: escalation resumes on the next business day, Thu Apr 30, at the batch hour.
  expect(actionsOf(report, 'BROKEN', 'notice')).toEqual([
    expect.objectContaining({ status: 'sent', at: '2026-04-30T17:00:00-07:00', expires_on: '2026-05-05' }),
  ]);
  // Kept: the payment cures the debt and cancels the waiting notice; it never reaches the tenant.
  expect(actionsOf(report, 'KEPT', 'notice')).toEqual([
    expect.objectContaining({ status: 'cancelled', reason: 'cured' }),
  ]);
  expect(
    report.actions.filter((a) => a.type === 'notice' && a.status === 'sent' && String(a.at) < '2026-04-30'),
  ).toEqual([]);
});

test('a referral approved before a promise broken on a Friday goes on Monday, not on the Saturday after', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-04-08',
    'policy: default-residential',
    'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    lease('A'),
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: A, id: R3, kind: rent, amount_cents: 200000}',
    '  - {at: "2026-03-23T10:00:00-07:00", type: approval, request: "A:pay-or-quit:2026-03-01", decision: approve, by: manager-1}',
    '  - {at: "2026-03-24T10:00:00-07:00", type: approval, request: "A:eviction-referral-ca-fl:2026-03-01", decision: approve, by: manager-1}',
    // The promise of Fri Apr 3 is missed: broken at 00:00 on Saturday.
    '  - {at: "2026-03-25T12:00:00-07:00", type: hold, lease: A, id: PTP, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-04-03, amount_cents: 200000}]}',
  ]);
  expect(actionsOf(report, 'A', 'referral').map((a) => [a.status, String(a.at).slice(0, 10)])).toEqual([
    ['sent', '2026-04-06'],
  ]);
});

test('a call held back at send time by a promise taken that morning goes when the promise breaks, once', async () => {
  const report = await simulateText([
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-24',
    'policy: default-residential',
    'users: [{id: agent-1, role: agent}]',
    'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12}]',
    'leases:',
    '  - {id: C, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, tenants: [{id: TC, name: Ana C, email: c@example.test, phone: "+14155550109", sms_consent: true}]}',
    'events:',
    '  - {at: 2026-03-01, type: charge, lease: C, id: R3, kind: rent, amount_cents: 200000}',
    // Day 10 (Wed Mar 11): the 11:00 call was planned at midnight; the promise comes at 10:00.
    '  - {at: "2026-03-11T10:00:00-07:00", type: hold, lease: C, id: PTP, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-03-20, amount_cents: 207500}]}',
  ]);
  // Broken at 00:00 on Sat Mar 21: the held call goes on Mon Mar 23, under the step's next key.
  expect(actionsOf(report, 'C', 'call').map((a) => [a.id, a.status, String(a.at).slice(0, 16)])).toEqual([
    ['C:agent-call:2026-03-01', 'suppressed', '2026-03-11T11:00'],
    ['C:agent-call:2026-03-01#2', 'sent', '2026-03-23T11:00'],
  ]);
});
