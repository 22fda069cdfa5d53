import { buildReport } from './report.ts';
import { actionsOf, simulateRun } from './testing.ts';

const simulate = (lines: string[]) =>
  simulateRun(lines, async (run) => ({
    report: await buildReport(run),
    outbox: await run.db.knex('sandbox_outbox').orderBy('id'),
  }));

// One tenant renting an apartment and a garage: with `consolidate_contacts` the day's reminders
// of both leases reach them as one message carrying each lease's balance, never two.

const scenario = (consolidate: boolean, extra: string[] = [], org = '') => [
  'version: 1',
  'start: 2026-04-01',
  'end: 2026-04-08',
  'policy: default-residential',
  `org: {consolidate_contacts: ${consolidate}${org}}`,
  'users: [{id: agent-1, role: agent}]',
  'properties: [{id: CA, jurisdiction: US-CA, timezone: America/Los_Angeles, units: 40}]',
  'leases:',
  '  - {id: APT, property: CA, kind: residential, rent_cents: 200000, due_day: 1, grace_days: 5,',
  '     tenants: [{id: T, name: Robin, email: r@example.test}]}',
  '  - {id: GARAGE, property: CA, kind: residential, rent_cents: 15000, due_day: 1, grace_days: 5,',
  '     tenants: [{id: T, name: Robin, email: r@example.test}]}',
  '  - {id: OTHER, property: CA, kind: residential, rent_cents: 180000, due_day: 1, grace_days: 5,',
  '     tenants: [{id: U, name: Lee, email: l@example.test}]}',
  'events:',
  '  - {at: 2026-04-01, type: charge, lease: APT, id: R-APT, kind: rent, amount_cents: 200000}',
  '  - {at: 2026-04-01, type: charge, lease: GARAGE, id: R-GAR, kind: rent, amount_cents: 15000}',
  '  - {at: 2026-04-01, type: charge, lease: OTHER, id: R-OTH, kind: rent, amount_cents: 180000}',
  ...extra,
];

test('the late email of two leases of one tenant goes out once, with both balances and the total', async () => {
  const { report, outbox } = await simulate(scenario(true));
  const [apt] = actionsOf(report, 'APT', 'email');
  const [garage] = actionsOf(report, 'GARAGE', 'email');
  expect(apt).toMatchObject({ status: 'sent', consolidated: [garage!.id] });
  expect(garage).toMatchObject({ status: 'suppressed', reason: 'consolidated', consolidated_into: apt!.id });
  // Another tenant's reminder is not theirs to carry.
  expect(actionsOf(report, 'OTHER', 'email')).toMatchObject([{ status: 'sent' }]);
  const toRobin = outbox.filter((m) => m.channel === 'email' && JSON.stringify(m.data).includes('r@example.test'));
  expect(toRobin).toHaveLength(1);
  expect(toRobin[0]!.body).toContain('Lease APT: balance $2,000.00.');
  expect(toRobin[0]!.body).toContain('Lease GARAGE: balance $150.00.');
  expect(toRobin[0]!.body).toContain('Total for your 2 leases: $2,150.00.');
  expect(report.audit.verified).toBe(true);
});

test('off by default: one message per lease', async () => {
  const { report } = await simulate(scenario(false));
  expect(actionsOf(report, 'APT', 'email')).toMatchObject([{ status: 'sent' }]);
  expect(actionsOf(report, 'GARAGE', 'email')).toMatchObject([{ status: 'sent' }]);
});

test('a lease whose own checks refuse the contact is not carried: the garage paid before the day', async () => {
  const { report, outbox } = await simulate(
    scenario(true, ['  - {at: 2026-04-02, type: payment, lease: GARAGE, id: P-GAR, amount_cents: 15000}']),
  );
  const [apt] = actionsOf(report, 'APT', 'email');
  expect(apt).toMatchObject({ status: 'sent' });
  expect(apt!.consolidated).toBeUndefined();
  expect(
    actionsOf(report, 'GARAGE', 'email').filter((a) => a.status === 'sent' || a.reason === 'consolidated'),
  ).toEqual([]);
  const body = outbox.find((m) => m.effect_key === apt!.id)!.body as string;
  expect(body).not.toContain('GARAGE');
});

test('a lease whose reminders go to other people (a billing contact) is not carried', async () => {
  const lines = scenario(true);
  const garage = lines.findIndex((l) => l.includes('id: GARAGE'));
  lines[garage + 1] =
    '     tenants: [{id: T, name: Robin, email: r@example.test}, {id: B, name: Employer, email: b@example.test, role: billing_contact}]}';
  const { report } = await simulate(lines);
  expect(actionsOf(report, 'APT', 'email')).toMatchObject([{ status: 'sent' }]);
  expect(actionsOf(report, 'APT', 'email')[0]!.consolidated).toBeUndefined();
  expect(actionsOf(report, 'GARAGE', 'email')).toMatchObject([{ status: 'sent' }]);
});

// The org's payment page reaches the tenant's message (and SendGrid's template data) filled in
// for each lease; without one the message carries no link, and `payment_link` is null.
test("a message links each lease to the org's payment page, or to nothing when it has none", async () => {
  const page = ', payment_url: "https://portal.example.test/{org_id}/rent?lease={lease_id}"';
  const { report, outbox } = await simulate(scenario(true, [], page));
  const [apt] = actionsOf(report, 'APT', 'email');
  const mail = outbox.find((m) => m.effect_key === apt!.id)!;
  expect(mail.body).toContain(
    'Pay online: https://portal.example.test/sim/rent?lease=APT\nPay lease GARAGE: https://portal.example.test/sim/rent?lease=GARAGE',
  );
  expect(mail.data.template.data.payment_link).toBe('https://portal.example.test/sim/rent?lease=APT');

  const none = await simulate(scenario(true));
  const plain = none.outbox.find((m) => m.effect_key === actionsOf(none.report, 'APT', 'email')[0]!.id)!;
  expect(plain.body).toContain('Lease GARAGE: balance $150.00.');
  expect(plain.body).not.toMatch(/Pay|https?:|undefined|null/);
  expect(plain.data.template.data).toHaveProperty('payment_link', null);
  // What the tenant read differs, and so does the hash the audit keeps of it.
  expect(plain.content_sha256).not.toBe(mail.content_sha256);
});
