import { actionsOf, only, simulateRun } from './testing.ts';
import { buildReport } from './report.ts';

// A promise is kept only by money that stays paid: a payment that kept it and is returned (NSF,
// chargeback) breaks it, as a plan whose installment bounces is broken.

const simulate = (lines: string[]) =>
  simulateRun(lines, async (run) => ({
    report: await buildReport(run),
    holds: (await run.db.knex('holds').select('id', 'status', 'ends_on', 'close_reason').orderBy('id')) as {
      id: string;
      status: string;
      ends_on: string;
      close_reason: string;
    }[],
  }));

const scenario = (events: string[], end = '2026-04-24') => [
  'version: 1',
  'start: 2026-04-01',
  `end: ${end}`,
  'policy: default-residential',
  'users:',
  '  - {id: agent-1, role: agent}',
  'properties:',
  '  - {id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 12, cares_covered: false}',
  'leases:',
  '  - {id: X, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: T1, name: A A, email: a@example.test}]}',
  '  - {id: Y, property: P1, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5, late_fee: {kind: flat, amount_cents: 7500}, tenants: [{id: T2, name: B B, email: b@example.test}]}',
  'events:',
  '  - {at: 2026-04-01, type: charge, lease: X, id: R4, kind: rent, amount_cents: 200000, due: 2026-04-01}',
  '  - {at: 2026-04-01, type: charge, lease: Y, id: R4, kind: rent, amount_cents: 200000, due: 2026-04-01}',
  '  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: X, id: PTP, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-04-15, amount_cents: 100000}]}',
  '  - {at: "2026-04-13T12:00:00-07:00", type: payment, lease: X, id: PX, amount_cents: 100000}',
  ...events,
];

test('a promise kept by a payment returned NSF before its date is broken (payment_returned) at the return', async () => {
  const { report, holds } = await simulate(
    scenario(['  - {at: "2026-04-14T12:00:00-07:00", type: reversal, lease: X, id: NSFX, of: PX, reason: nsf}']),
  );
  expect(only(actionsOf(report, 'X', 'hold_kept'))).toMatchObject({ at: '2026-04-13T12:00:00-07:00' });
  expect(only(actionsOf(report, 'X', 'hold_broken'))).toMatchObject({
    id: 'X:hold:PTP:broken',
    at: '2026-04-14T12:00:00-07:00',
    status: 'posted',
    hold: 'PTP',
    kind: 'promise_to_pay',
    reason: 'payment_returned',
    resumes_on: '2026-04-14',
  });
  // Its pause ended when it was kept and stays ended; the NSF fee posts as for any return.
  expect(holds).toEqual([{ id: 'PTP', status: 'broken', ends_on: '2026-04-12', close_reason: 'payment_returned' }]);
  expect(only(actionsOf(report, 'X', 'nsf_fee'))).toMatchObject({ status: 'posted', amount_cents: 2500 });
  // Escalation, which resumed when the promise was kept, goes on: the L2 steps once each.
  expect(actionsOf(report, 'X', 'crm_update').map((a) => a.id)).toEqual(['X:crm-flag:2026-04-01']);
  expect(only(actionsOf(report, 'X', 'letter'))).toMatchObject({ status: 'sent', at: '2026-04-15T09:00:00-07:00' });
  expect(report.audit.verified).toBe(true);
});

test('returned after the promise date: broken too; a returned payment that did not keep it changes nothing', async () => {
  const { report } = await simulate(
    scenario([
      '  - {at: "2026-04-20T09:00:00-07:00", type: reversal, lease: X, id: NSFX, of: PX, reason: chargeback}',
      // Y: a promise kept by its payment; a later payment, made after it was kept, bounces.
      '  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: Y, id: PTPY, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-04-15, amount_cents: 100000}]}',
      '  - {at: "2026-04-13T12:00:00-07:00", type: payment, lease: Y, id: PY1, amount_cents: 100000}',
      '  - {at: "2026-04-16T12:00:00-07:00", type: payment, lease: Y, id: PY2, amount_cents: 50000}',
      '  - {at: "2026-04-20T12:00:00-07:00", type: reversal, lease: Y, id: NSFY, of: PY2, reason: nsf}',
    ]),
  );
  expect(only(actionsOf(report, 'X', 'hold_broken'))).toMatchObject({
    at: '2026-04-20T09:00:00-07:00',
    reason: 'payment_returned',
    resumes_on: '2026-04-20',
  });
  expect(only(actionsOf(report, 'Y', 'hold_kept'))).toMatchObject({ reason: 'paid_as_promised' });
  expect(actionsOf(report, 'Y', 'hold_broken')).toEqual([]);
});

test('a plan broken by an installment returned after its date: payment_returned, resuming the day it is broken, not before', async () => {
  const { report } = await simulate(
    scenario([
      '  - {at: "2026-04-08T10:00:00-07:00", type: hold, lease: Y, id: PLAN, kind: payment_plan, by: agent-1, installments: [{by: 2026-04-15, amount_cents: 100000}, {by: 2026-04-30, amount_cents: 107500}]}',
      '  - {at: "2026-04-14T12:00:00-07:00", type: payment, lease: Y, id: PY, amount_cents: 100000}',
      '  - {at: "2026-04-17T12:00:00-07:00", type: reversal, lease: Y, id: NSFY, of: PY, reason: nsf}',
    ]),
  );
  const broken = only(actionsOf(report, 'Y', 'hold_broken'));
  expect(broken).toMatchObject({
    at: '2026-04-17T12:00:00-07:00',
    reason: 'payment_returned',
    resumes_on: '2026-04-17',
  });
  // The steps it held go out that day.
  expect(only(actionsOf(report, 'Y', 'crm_update'))).toMatchObject({ at: '2026-04-17T12:00:00-07:00' });
});
