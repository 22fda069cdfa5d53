import { LedgerEvent } from '@arrears/shared';
import { agingSource, leaseAging, leaseAgingQuery, portfolioAging, type AgingSource } from '../ledger/aging.ts';
import { openTestDatabase, type TestDatabase } from '../testing/database.ts';
import { isDemoLoaded, loadDemoPortfolio } from './load.ts';
import { generateDemoPortfolio } from './portfolio.ts';

const AS_OF = new Date('2026-11-20T12:00:00Z');
const AS_OF_DATE = '2026-11-20';
const portfolio = generateDemoPortfolio({ seed: 42, asOf: AS_OF });

describe('generateDemoPortfolio', () => {
  test('is deterministic in the seed and the month', () => {
    expect(generateDemoPortfolio({ seed: 42, asOf: new Date(AS_OF) })).toEqual(portfolio);
    const other = generateDemoPortfolio({ seed: 43, asOf: AS_OF });
    expect(other.leases.map((l) => l.rent_cents)).not.toEqual(portfolio.leases.map((l) => l.rent_cents));
    expect(other.events).not.toEqual(portfolio.events);
  });

  test("asOf's day only cuts off what has not happened yet", () => {
    const early = generateDemoPortfolio({ seed: 42, asOf: new Date('2026-11-03T23:00:00Z') });
    expect(early.leases).toEqual(portfolio.leases);
    expect(early.events).toEqual(portfolio.events.filter((e) => e.effective_on <= '2026-11-03'));
  });

  test('has four properties, one CARES-covered, and a commercial one', () => {
    expect(portfolio.org).toEqual({ org_id: 'demo', name: 'Harbor & Vine Residential' });
    expect(portfolio.users.map((u) => u.id)).toEqual(
      expect.arrayContaining(['agent-1', 'manager-1', 'counsel-1', 'admin-1']),
    );
    expect(portfolio.properties.map((p) => p.jurisdiction).sort()).toEqual(['US-CA', 'US-FL', 'US-NY', 'US-TX']);
    expect(portfolio.properties.filter((p) => p.cares_covered)).toHaveLength(1);
    expect(portfolio.properties.find((p) => p.jurisdiction === 'US-TX')!.units).toBeGreaterThan(4);
    expect(portfolio.leases).toHaveLength(500);
    const commercial = portfolio.leases.filter((l) => l.kind === 'commercial');
    expect(commercial.length).toBeGreaterThan(0);
    for (const property of portfolio.properties) {
      expect(portfolio.leases.filter((l) => l.property_id === property.id).length).toBeLessThanOrEqual(property.units);
    }
    for (const lease of portfolio.leases) expect(lease.rent_cents % 100).toBe(0);
    const tenantIds = new Set(portfolio.tenants.map((t) => t.id));
    expect(portfolio.lease_tenants.every((lt) => tenantIds.has(lt.tenant_id))).toBe(true);
    expect(portfolio.tenants.some((t) => t.kind === 'business')).toBe(true);
    expect(portfolio.tenants.some((t) => t.language === 'es')).toBe(true);
    const phones = portfolio.contact_points.filter((c) => c.channel === 'phone').map((c) => c.value);
    expect(phones.every((p) => /^\+1\d{3}555\d{4}$/.test(p))).toBe(true);
    expect(portfolio.tenant_consents).toHaveLength(portfolio.tenants.length * 4);
  });

  test('produces valid, unique ledger events, none after asOf', () => {
    const events = portfolio.events;
    expect(events.length).toBeGreaterThan(10_000);
    for (const event of events) expect(LedgerEvent.safeParse(event).success).toBe(true);
    expect(new Set(events.map((e) => e.external_id)).size).toBe(events.length);
    expect(events.filter((e) => e.effective_on > AS_OF_DATE)).toEqual([]);
    expect(events.some((e) => e.kind === 'charge' && e.due_on === '2026-11-01')).toBe(true);
    expect(events.some((e) => e.effective_on < '2025-06-01')).toBe(false);
    const position = new Map(events.map((e, i) => [e.external_id, i]));
    const reversals = events.filter((e) => e.kind === 'reversal');
    expect(reversals.length).toBeGreaterThan(0);
    for (const r of reversals) expect(position.get(r.reverses)).toBeLessThan(position.get(r.external_id)!);
    for (const kind of ['write_off', 'credit'] as const) expect(events.some((e) => e.kind === kind)).toBe(true);
    for (const type of ['late_fee', 'nsf_fee', 'utilities'] as const) {
      expect(events.some((e) => e.kind === 'charge' && e.charge_type === type)).toBe(true);
    }
  });
});

describe('loadDemoPortfolio', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('demo');
  });
  afterAll(() => db.close());

  test('loads without rejections and ages into every bucket', async () => {
    expect(await isDemoLoaded(db)).toBe(false);
    const loaded = await loadDemoPortfolio(db, portfolio, AS_OF);
    expect(loaded).toEqual({ leases: 500, events: portfolio.events.length });
    expect(await isDemoLoaded(db)).toBe(true);
    expect(await db.knex('ingest_rejections').where({ org_id: 'demo' })).toEqual([]);
    expect(await db.knex('audit_log').where({ org_id: 'demo', action: 'demo.loaded' })).toHaveLength(1);

    const asOf = { date: AS_OF_DATE };
    const leases = await db.withOrg('demo', (trx) => leaseAging(trx, 'demo', asOf));
    expect(leases).toHaveLength(500);
    const current = leases.filter((l) => l.balance_cents <= 0);
    expect(current.length).toBeGreaterThan(250);
    const buckets = ['d0_30_cents', 'd31_60_cents', 'd61_90_cents', 'd90_plus_cents'] as const;
    for (const bucket of buckets) expect(leases.filter((l) => l.aging[bucket] > 0).length).toBeGreaterThan(0);

    const properties = await db.withOrg('demo', (trx) => portfolioAging(trx, 'demo', asOf));
    expect(properties).toHaveLength(4);
    expect(properties.reduce((n, p) => n + p.delinquent_leases, 0)).toBeGreaterThan(20);
    for (const bucket of buckets) expect(properties.some((p) => p[bucket] > 0)).toBe(true);

    const nsf = await db.knex('ledger_entries').where({ org_id: 'demo', kind: 'reversal' }).count({ n: '*' });
    expect(Number(nsf[0]!.n)).toBeGreaterThan(0);
  });

  test('the maintained current state ages every lease exactly as the full history does', async () => {
    const both = await db.withOrg('demo', async (trx) => {
      expect(await agingSource(trx, 'demo', AS_OF_DATE)).toBe('current');
      expect(await agingSource(trx, 'demo', '2026-06-30')).toBe('history');
      const run = async (source: AgingSource) => {
        const { sql, bindings } = leaseAgingQuery('demo', AS_OF_DATE, {}, source);
        return (await trx.raw(`${sql} order by lease_id`, bindings)).rows;
      };
      return { current: await run('current'), history: await run('history') };
    });
    expect(both.current).toHaveLength(500);
    expect(both.current).toEqual(both.history);
  });
});
