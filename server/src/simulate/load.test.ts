import { parseScenario, ScenarioError } from './load.ts';

// Hand-written scenario files as customers and auditors write them: every problem with its path.

const head = [
  'version: 1',
  'start: 2026-03-01',
  'end: 2026-03-31',
  'policy: default-residential',
  'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
  'properties: [{id: P1, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 3}]',
  'leases:',
  '  - {id: L1, property: P1, kind: residential, rent_cents: 100000, due_day: 1, tenants: [{id: T1, name: A}]}',
  '  - {id: L2, property: P1, kind: residential, rent_cents: 100000, due_day: 1, tenants: [{id: T2, name: B}]}',
];

function problems(text: string): string[] {
  try {
    parseScenario(text);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const withEvents = (...events: string[]) => [...head, 'events:', ...events.map((e) => `  - ${e}`)].join('\n');

test('an empty file, a comment-only file, a list and a scalar each get one clear problem', () => {
  expect(problems('')).toEqual(['(root): the file is empty; expected a scenario object']);
  expect(problems('# nothing here\n')).toEqual(['(root): the file is empty; expected a scenario object']);
  expect(problems('null')).toEqual(['(root): the file is empty; expected a scenario object']);
  expect(problems('- a\n- b\n')[0]).toMatch(/^\(root\): expected a scenario object .*got a list$/);
  expect(problems('hello')[0]).toMatch(/^\(root\): expected a scenario object .*got a string$/);
});

test('cross-references are checked even when other parts of the file fail the schema', () => {
  const text = withEvents(
    '{at: 2026-03-02, type: payment, lease: L1, id: P-1, amount_cents: -5}',
    '{at: 2026-03-02, type: flag, lease: L9, by: agent-1, reason: x}',
    '{at: 2026-03-02, type: flag, lease: L1, by: nobody, reason: x}',
  );
  expect(problems(text)).toEqual([
    'events[0].amount_cents: expected a positive integer number of cents',
    'events[1].lease: unknown lease L9',
    'events[2].by: unknown user nobody; list everyone named in "by" under users',
  ]);
});

test('an approval naming no request, hold or action is an input error', () => {
  const text = withEvents(
    '{at: 2026-03-05, type: request, lease: L1, id: REQ-1, action: call, by: agent-1}',
    '{at: 2026-03-05, type: approval, request: REQ-1, decision: approve, by: manager-1}',
    '{at: 2026-03-05, type: approval, request: "L1:pay-or-quit:2026-03-01", decision: approve, by: manager-1}',
    '{at: 2026-03-05, type: approval, request: REQ-9, decision: approve, by: manager-1}',
  );
  expect(problems(text)).toEqual([
    "events[3].request: unknown request REQ-9; an approval names a request's id, a hold's id or an action id from the output",
  ]);
});

test('an instant is inside start..end by its local day in the lease zone, not by the date it is written with', () => {
  const text = withEvents(
    // Feb 28, 21:00 in Los Angeles: before the first simulated day.
    '{at: "2026-03-01T05:00:00Z", type: status, lease: L1, status: at_risk}',
    // Mar 31, 23:00 in Los Angeles: the last simulated day.
    '{at: "2026-04-01T06:00:00Z", type: status, lease: L1, status: at_risk}',
  );
  expect(problems(text)).toEqual([
    'events[0].at: outside the simulated days 2026-03-01..2026-03-31 (it is 2026-02-28 in America/Los_Angeles)',
  ]);
});

test('hold dates: until and promised dates cannot come before the hold starts', () => {
  const text = withEvents(
    '{at: 2026-03-05, type: hold, lease: L1, id: H1, kind: manual, by: agent-1, until: 2026-03-01}',
    '{at: 2026-03-05, type: hold, lease: L1, id: H2, kind: promise_to_pay, by: agent-1, promises: [{by: 2026-03-04, amount_cents: 100}]}',
  );
  expect(problems(text)).toEqual([
    'events[0].until: must not be before the hold starts (2026-03-05)',
    'events[1].promises[0].by: must not be before the hold starts (2026-03-05)',
  ]);
});

test('a hold id two leases use is fine, but an event naming it must say which lease', () => {
  const holds = [
    '{at: 2026-03-02, type: hold, lease: L1, id: H1, kind: manual, by: agent-1, until: 2026-03-20}',
    '{at: 2026-03-02, type: hold, lease: L2, id: H1, kind: manual, by: agent-1, until: 2026-03-20}',
  ];
  expect(
    problems(withEvents(...holds, '{at: 2026-03-05, type: hold_release, hold: H1, by: agent-1, reason: x}')),
  ).toEqual(['events[2].hold: hold H1 is on leases L1 and L2; name the lease too (lease: L1)']);
  expect(
    problems(withEvents(...holds, '{at: 2026-03-05, type: hold_release, hold: H1, lease: L2, by: agent-1, reason: x}')),
  ).toEqual([]);
});

test('schema wording: missing fields, unknown fields, the policy union, the bankruptcy chapter, a negative deposit', () => {
  const text = [
    'version: 1',
    'start: 2026-03-01',
    'end: 2026-03-31',
    'policy: {id: p, name: P, levels: [{id: L1, days: {min: 1}}], late_fees: {enabled: sure}}',
    'propertees: []',
    'properties: [{id: P1, jurisdiction: US-CA, units: 3}]',
    'leases: [{id: L1, property: P1, kind: residential, rent_cents: 100000, due_day: 1, tenants: [{id: T1, name: A}]}]',
    'users: [{id: a, role: agent}]',
    'events:',
    '  - {at: 2026-03-02, type: hold, lease: L1, id: H1, kind: bankruptcy, chapter: 9, by: a}',
    '  - {at: 2026-03-02, type: move_out, lease: L1, deposit_applied_cents: -100}',
  ].join('\n');
  expect(problems(text)).toEqual([
    'policy.late_fees.enabled: Invalid input: expected boolean, received string',
    'properties[0].timezone: missing; expected string',
    'events[0].chapter: expected chapter 7, 11 or 13',
    'events[1].deposit_applied_cents: expected zero or a positive integer number of cents',
    'propertees: unknown field',
  ]);
  expect(problems(text.replace(/policy: .*/, 'policy: 7'))).toContain(
    'policy: expected a built-in policy id (default-residential, default-commercial) or an inline policy document',
  );
});

test('bare numbers as ids are accepted (a unit number), a bare phone number gets a hint to quote it', () => {
  const text = [
    ...head.slice(0, 6),
    'leases:',
    '  - {id: 101, property: P1, kind: residential, rent_cents: 100000, due_day: 1, tenants: [{id: 7, name: A}]}',
    'events:',
    '  - {at: 2026-03-02, type: charge, lease: 101, id: 2026, kind: rent, amount_cents: 100000}',
  ].join('\n');
  const scenario = parseScenario(text);
  expect(scenario.leases[0]).toMatchObject({ id: '101', tenants: [{ id: '7' }] });
  expect(scenario.events[0]).toMatchObject({ lease: '101', id: '2026' });
  expect(problems(text.replace('name: A}', 'name: A, phone: +14155550101}'))).toEqual([
    'leases[0].tenants[0].phone: expected a phone number in quotes, e.g. "+14155550101" (bare, YAML reads it as a number)',
  ]);
});

test('an instant may leave out the seconds or the offset colon (ISO 8601); other shapes are refused with the path', () => {
  const text = withEvents(
    '{at: "2026-03-05T09:59-08:00", type: status, lease: L1, status: at_risk}',
    '{at: "2026-03-05T09:59:30-0800", type: status, lease: L1, status: at_risk}',
    '{at: "2026-03-05 09:59:00-08:00", type: status, lease: L1, status: at_risk}',
    '{at: "2026-03-05T09:59:00", type: status, lease: L1, status: at_risk}',
  );
  expect(problems(text)).toEqual([
    'events[2].at: expected a local date YYYY-MM-DD or an ISO instant with offset',
    'events[3].at: expected a local date YYYY-MM-DD or an ISO instant with offset',
  ]);
  const scenario = parseScenario(withEvents('{at: "2026-03-05T09:59-0800", type: status, lease: L1, status: at_risk}'));
  expect(scenario.events[0]!.at).toBe('2026-03-05T09:59:00-08:00');
});

test('a tenant on two leases is the same person in any key order and any role; other details must agree', () => {
  const lease = (id: string, tenant: string) =>
    `  - {id: ${id}, property: P1, kind: residential, rent_cents: 100000, due_day: 1, tenants: [${tenant}]}`;
  const file = (a: string, b: string) =>
    [...head.slice(0, 6), 'leases:', lease('L1', a), lease('L2', b), 'events: []'].join('\n');
  expect(
    problems(file('{id: T1, name: A, email: a@x.test}', '{email: a@x.test, name: A, id: T1, role: guarantor}')),
  ).toEqual([]);
  expect(problems(file('{id: T1, name: A}', '{id: T1, name: B}'))).toEqual([
    'leases[1].tenants[0].id: tenant T1 is described differently on another lease',
  ]);
});

test('a tenant repeated on one lease is a duplicate, not a tenant described differently on another lease', () => {
  const lease = (id: string, tenants: string) =>
    `  - {id: ${id}, property: P1, kind: residential, rent_cents: 100000, due_day: 1, tenants: [${tenants}]}`;
  const file = (...leases: string[]) => [...head.slice(0, 6), 'leases:', ...leases, 'events: []'].join('\n');
  expect(problems(file(lease('L1', '{id: T1, name: A}, {id: T1, name: A2, role: co_tenant}')))).toEqual([
    'leases[0].tenants[1].id: duplicate tenant T1 on lease L1',
  ]);
  // Repeated on L1 and described otherwise on L2: both problems, each where it is.
  expect(
    problems(file(lease('L1', '{id: T1, name: A}, {id: T1, name: A2}'), lease('L2', '{id: T1, name: B}'))),
  ).toEqual([
    'leases[0].tenants[1].id: duplicate tenant T1 on lease L1',
    'leases[1].tenants[0].id: tenant T1 is described differently on another lease',
  ]);
});

test('when end is before start, that is the problem; events are not judged against the empty range', () => {
  const text = withEvents('{at: 2026-03-05, type: status, lease: L1, status: at_risk}').replace(
    'end: 2026-03-31',
    'end: 2026-02-01',
  );
  expect(problems(text)).toEqual(['end: must not be before start (2026-03-01)']);
});

test('a reversal must undo a payment of the same lease in the file', () => {
  const text = withEvents(
    '{at: 2026-03-02, type: payment, lease: L1, id: PAY-1, amount_cents: 1000}',
    '{at: 2026-03-03, type: reversal, lease: L1, id: N1, of: PAY-1}',
    '{at: 2026-03-03, type: reversal, lease: L2, id: N2, of: PAY-1}',
    '{at: 2026-03-03, type: reversal, lease: L1, id: N3, of: NOPE}',
  );
  expect(problems(text)).toEqual([
    'events[2].of: unknown payment PAY-1 on lease L2; a reversal undoes a payment of this file',
    'events[3].of: unknown payment NOPE on lease L1; a reversal undoes a payment of this file',
  ]);
});

test("the org's payment page is checked like the setting: https, known placeholders", () => {
  const withOrg = (org: string) => [...head, `org: ${org}`].join('\n');
  expect(problems(withOrg('{payment_url: "https://pay.example.test/{lease_id}"}'))).toEqual([]);
  expect(problems(withOrg('{payment_url: "http://pay.example.test/{tenant}"}'))).toEqual([
    'org.payment_url: unknown placeholder {tenant}; only {lease_id} and {org_id} are filled in',
  ]);
  expect(problems(withOrg('{payment_url: "http://pay.example.test/{lease_id}"}'))[0]).toMatch(
    /^org\.payment_url: expected an https URL/,
  );
});
