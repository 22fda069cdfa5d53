import { Writable } from 'node:stream';
import { LeaseCard } from '@arrears/shared';
import type { Express } from 'express';
import request from 'supertest';
import { fixedClock } from '../clock.ts';
import { addDays } from '../engine/days.ts';
import { evaluateLease, type EscalationScope } from '../escalation/evaluate.ts';
import { issueApiKey } from '../orgs/api-keys.ts';
import { orgPolicyFor } from '../orgs/settings.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { seedOrg } from '../testing/fixtures.ts';
import { zonedInstant } from '../time/zoned.ts';
import { createApp } from './app.ts';
import { createLogger } from './logger.ts';

// GET /v1/leases/:id/card through the real app on PostgreSQL: the card agrees with what the
// evaluator decides at the same instant, shows holds and approvals, pages its timeline, and
// never shows another org's lease.

const TZ = 'America/Los_Angeles';
const at = (day: string, time = '00:05') => zonedInstant(day, time, TZ);
const SYSTEM = { id: 'system:test', role: 'system' as const };

let db: TestDatabase;
let app: Express;
let keyA: string;
let keyB: string;
const clock = fixedClock(at('2026-02-01'));

const scope: EscalationScope = {
  get db() {
    return db;
  },
  orgId: 'org-a',
  policyFor: orgPolicyFor,
};

beforeAll(async () => {
  db = await openTestDatabase('card');
  await seedOrg(
    db,
    'org-a',
    [{ id: 'P1', timezone: TZ }],
    [{ id: 'A1', rent_cents: 180_000 }, { id: 'A2' }, { id: 'A3' }, { id: 'A4' }],
  );
  await seedOrg(db, 'org-b', [{ id: 'P1' }], [{ id: 'B1' }]);
  await db.knex('tenants').insert([
    { org_id: 'org-a', id: 'T1', name: 'Ana Ruiz', language: 'es' },
    { org_id: 'org-a', id: 'T2', name: 'Bo Chen' },
  ]);
  await db.knex('lease_tenants').insert([
    { org_id: 'org-a', lease_id: 'A1', tenant_id: 'T1', role: 'primary' },
    { org_id: 'org-a', lease_id: 'A2', tenant_id: 'T2', role: 'primary' },
    { org_id: 'org-a', lease_id: 'A3', tenant_id: 'T2', role: 'primary' },
  ]);
  keyA = (await issueApiKey(db, 'org-a', 'test', at('2026-02-01'))).key;
  keyB = (await issueApiKey(db, 'org-b', 'test', at('2026-02-01'))).key;
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  app = createApp({ db, clock, logger: createLogger('silent', sink) });
  const rent = (lease: string) => ({
    kind: 'charge',
    charge_type: 'rent',
    lease_id: lease,
    external_id: `R-${lease}`,
    amount_cents: lease === 'A1' ? 180_000 : 200_000,
    effective_on: '2026-02-01',
  });
  await request(app)
    .post('/v1/ledger/events')
    .set('Authorization', `Bearer ${keyA}`)
    .send({ events: ['A1', 'A2', 'A4'].map(rent) })
    .expect(200);
});
afterAll(() => db.close());

const card = (lease: string, key = keyA, query = '') =>
  request(app).get(`/v1/leases/${lease}/card${query}`).set('Authorization', `Bearer ${key}`);

test('day by day, the card shows what the evaluator decides at the same instant', async () => {
  const seen = new Set<string>();
  for (let day = '2026-02-02'; day <= '2026-02-24'; day = addDays(day, 1)) {
    const now = at(day);
    clock.set(now);
    // Read before the day's evaluation: the card must already know what the engine will decide.
    const before = (await card('A1').expect(200)).body as LeaseCard;
    const evaluation = await evaluateLease(scope, 'A1', { type: 'evaluate', cause: 'schedule' }, now, SYSTEM);
    expect(LeaseCard.parse(before)).toEqual(before);
    expect(before.severity).toMatchObject({
      level: evaluation.next.level,
      days_past_due: evaluation.next.days_past_due,
      balance_cents: evaluation.next.balance_cents,
      anchor_due_on: evaluation.next.anchor_due_on,
      policy: { id: evaluation.policy.id, version: evaluation.policy.version },
    });
    const next = before.next_action && { type: before.next_action.type, on: before.next_action.on };
    expect(next).toEqual(evaluation.next_action);
    // And after it, from what it wrote.
    const after = (await card('A1').expect(200)).body as LeaseCard;
    expect(after.next_action && { type: after.next_action.type, on: after.next_action.on }).toEqual(
      evaluation.next_action,
    );
    expect(after.severity.level).toBe(evaluation.next.level);
    if (next) seen.add(`${next.type}@${next.on}`);
  }
  expect(seen.size).toBeGreaterThan(2);
});

test('the card of a delinquent lease: lease, tenant, severity, aging, next step, approval waiting', async () => {
  const now = at('2026-02-24', '10:30');
  clock.set(now);
  const body = (await card('A1').expect(200)).body as LeaseCard;
  expect(body.as_of).toBe('2026-02-24T10:30:00-08:00');
  expect(body.today).toBe('2026-02-24');
  expect(body.lease).toEqual({
    id: 'A1',
    property_id: 'P1',
    property_name: 'Property P1',
    jurisdiction: 'US-CA',
    timezone: TZ,
    unit: null,
    kind: 'residential',
    status: 'current',
    rent_cents: 180_000,
    due_day: 1,
    grace_days: 5,
    collector: 'first_party',
    moved_out_on: null,
  });
  expect(body.tenant).toEqual({ id: 'T1', name: 'Ana Ruiz', language: 'es' });
  expect(body.severity).toMatchObject({
    policy: { id: 'default-residential', version: 2, pinned: true },
    level: 'L3',
    level_name: 'Legal',
    days_past_due: 23,
    balance_cents: 180_000,
    disputed_cents: 0,
    unpaid_charges: 1,
    anchor_due_on: '2026-02-01',
  });
  // The ledger's own aging, exactly as GET /v1/leases/:id reports it at the same instant.
  const lease = await request(app).get('/v1/leases/A1').set('Authorization', `Bearer ${keyA}`).expect(200);
  expect(body.severity.aging).toEqual(lease.body.aging);
  expect(body.severity.aging).toMatchObject({ balance_cents: 180_000, days_past_due: 23 });
  expect(body.awaiting_approval).toEqual([
    expect.objectContaining({
      key: 'A1:pay-or-quit:2026-02-01',
      type: 'approval_request',
      action: 'notice',
      notice: 'pay_or_quit',
      approver: 'manager',
      drafted_by: null,
      drafted_at: '2026-02-22T00:05:00-08:00',
      rule: expect.objectContaining({ id: expect.stringMatching(/^US-CA\/pay-or-quit@/), verified: true }),
    }),
  ]);
  expect(body.holds).toEqual([]);
  expect(body.level_changes[0]).toMatchObject({ to: 'L3', days_past_due: 21, policy: 'default-residential@2' });
  expect(body.level_changes.map((c) => c.to)).toEqual(['L3', 'L2', 'L1']);
});

test('the timeline is the action ledger newest first, paged with limit and before', async () => {
  const all = ((await card('A1', keyA, '?limit=500').expect(200)).body as LeaseCard).timeline;
  expect(all.next_before).toBeNull();
  expect(all.entries.length).toBeGreaterThan(5);
  const seqs = all.entries.map((e) => e.seq);
  expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
  expect(new Set(seqs).size).toBe(seqs.length);
  const payOrQuit = all.entries.find((e) => e.key === 'A1:pay-or-quit:2026-02-01')!;
  expect(payOrQuit).toMatchObject({ type: 'approval_request', status: 'awaiting_approval', notice: 'pay_or_quit' });
  expect(all.entries.find((e) => e.key === 'A1:late-email:2026-02-01')).toMatchObject({
    type: 'email',
    status: 'scheduled',
    step_id: 'late-email',
    template: 'rent-late',
    channel: 'email',
    at: '2026-02-03T09:00:00-08:00',
  });
  // Paging three at a time gives the same entries in the same order, then stops.
  const paged: number[] = [];
  let query = '?limit=3';
  for (let pages = 0; pages < 50; pages++) {
    const page = ((await card('A1', keyA, query).expect(200)).body as LeaseCard).timeline;
    expect(page.entries.length).toBeLessThanOrEqual(3);
    paged.push(...page.entries.map((e) => e.seq));
    if (page.next_before === null) break;
    expect(page.next_before).toBe(page.entries.at(-1)!.seq);
    query = `?limit=3&before=${page.next_before}`;
  }
  expect(paged).toEqual(seqs);
  const defaults = ((await card('A1').expect(200)).body as LeaseCard).timeline;
  expect(defaults.entries.map((e) => e.seq)).toEqual(seqs.slice(0, 50));
});

test("holds in force or waiting, including a tenant's bankruptcy on another lease", async () => {
  clock.set(at('2026-02-24', '11:00'));
  await db.knex('holds').insert([
    {
      org_id: 'org-a',
      id: 'BK1',
      lease_id: 'A3',
      kind: 'bankruptcy',
      status: 'active',
      starts_on: '2026-02-20',
      terms: JSON.stringify({ chapter: 7 }),
      created_by: 'counsel-1',
      created_at: at('2026-02-20', '12:00'),
    },
    {
      org_id: 'org-a',
      id: 'M1',
      lease_id: 'A2',
      kind: 'manual',
      status: 'awaiting_approval',
      starts_on: '2026-02-24',
      ends_on: '2026-03-10',
      terms: JSON.stringify({ reason: 'tenant in hospital' }),
      created_by: 'agent-1',
      created_at: at('2026-02-24', '09:00'),
    },
    {
      org_id: 'org-a',
      id: 'P1',
      lease_id: 'A4',
      kind: 'promise_to_pay',
      status: 'active',
      starts_on: '2026-02-23',
      terms: JSON.stringify({ promises: [{ by: '2026-02-27', amount_cents: 200_000 }], reason: 'paycheck' }),
      created_by: 'agent-1',
      created_at: at('2026-02-23', '09:00'),
    },
  ]);
  const a2 = (await card('A2').expect(200)).body as LeaseCard;
  expect(a2.tenant).toEqual({ id: 'T2', name: 'Bo Chen', language: 'en' });
  expect(a2.severity.policy).toMatchObject({ id: 'default-residential', pinned: false });
  expect(a2.holds).toEqual([
    {
      id: 'BK1',
      kind: 'bankruptcy',
      status: 'active',
      in_force: true,
      starts_on: '2026-02-20',
      ends_on: null,
      reason: null,
      created_by: 'counsel-1',
      lease_id: 'A3',
    },
    {
      id: 'M1',
      kind: 'manual',
      status: 'awaiting_approval',
      in_force: false,
      starts_on: '2026-02-24',
      ends_on: '2026-03-10',
      reason: 'tenant in hospital',
      created_by: 'agent-1',
      lease_id: 'A2',
    },
  ]);
  // A bankruptcy stay stops everything: nothing is next, as the evaluator says.
  expect(a2.next_action).toBeNull();
  const evaluation = await evaluateLease(scope, 'A2', { type: 'evaluate', cause: 'test' }, clock.now(), SYSTEM);
  expect(evaluation.next_action).toBeNull();
  // A promise pauses steps: the card still says what is next, and what holds it.
  const a4 = (await card('A4').expect(200)).body as LeaseCard;
  expect(a4.holds).toEqual([expect.objectContaining({ id: 'P1', in_force: true, reason: 'paycheck' })]);
  expect(a4.next_action).toMatchObject({ paused_by: 'P1' });
  const a4eval = await evaluateLease(scope, 'A4', { type: 'evaluate', cause: 'test' }, clock.now(), SYSTEM);
  expect({ type: a4.next_action!.type, on: a4.next_action!.on }).toEqual(a4eval.next_action);
});

test('a lease with no ledger and no case is current, with nothing next', async () => {
  const body = (await card('A3').expect(200)).body as LeaseCard;
  expect(body.severity).toMatchObject({
    level: 'current',
    level_name: 'Current',
    balance_cents: 0,
    anchor_due_on: null,
  });
  expect(body.next_action).toBeNull();
  expect(body.timeline).toEqual({ entries: [], next_before: null });
  expect(body.level_changes).toEqual([]);
});

test('an unknown lease is 404', async () => {
  const res = await card('NOPE').expect(404);
  expect(res.body.error).toMatchObject({ code: 'not_found', message: 'No lease "NOPE" in this org' });
});

test("another org's key never sees the lease (row-level security): 404", async () => {
  const res = await card('A1', keyB).expect(404);
  expect(res.body.error.code).toBe('not_found');
  expect(JSON.stringify(res.body)).not.toContain('Ana');
  await card('B1', keyA).expect(404);
  const own = (await card('B1', keyB).expect(200)).body as LeaseCard;
  expect(own.lease.id).toBe('B1');
});

test('bad query parameters are 400 with every path', async () => {
  const res = await card('A1', keyA, '?limit=0&before=abc').expect(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['query.limit', 'query.before']);
  const big = await card('A1', keyA, '?limit=501').expect(400);
  expect(big.body.error.details).toEqual([{ path: 'query.limit', message: expect.stringContaining('500') }]);
  await card('A1', keyA, '?before=-3').expect(400);
  await request(app).get('/v1/leases/A1/card').expect(401);
});

test('the card is in the OpenAPI document, generated from the shared schema', async () => {
  const res = await request(app).get('/openapi.json').expect(200);
  const route = res.body.paths['/v1/leases/{id}/card'].get;
  expect(route.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'limit', 'before']);
  const schema = route.responses['200'].content['application/json'].schema;
  expect(Object.keys(schema.properties)).toEqual(Object.keys(LeaseCard.shape));
  expect(route.responses['404']).toBeDefined();
});
