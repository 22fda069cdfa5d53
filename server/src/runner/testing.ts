import type { PolicyDocument } from '@arrears/shared';
import { analyzeMasterTables } from '../db/statistics.ts';
import pino from 'pino';
import type { PgBoss } from 'pg-boss';
import { fixedClock } from '../clock.ts';
import { publishPolicy } from '../escalation/policies.ts';
import type { Database } from '../db/database.ts';
import type { Ports } from '../ports/index.ts';
import { sandboxPorts } from '../providers/sandbox/sandbox.ts';
import { TEST_DATABASE_URL, type TestDatabase } from '../testing/database.ts';
import { startBoss } from './boss.ts';
import { startWorker, type Worker } from './worker.ts';

export interface TestRunner {
  boss: PgBoss;
  worker: Worker;
  clock: ReturnType<typeof fixedClock>;
  stop(): Promise<void>;
}

/** pg-boss in the test schema's own `<schema>_jobs`, a worker on a fixed clock, sandbox ports. */
export async function startTestRunner(
  db: TestDatabase,
  now: Date,
  ports: (orgId: string) => Promise<Ports> = async () => sandboxPorts(),
): Promise<TestRunner> {
  const boss = await startBoss(db, { connectionString: TEST_DATABASE_URL, schema: `${db.schema}_jobs` });
  const clock = fixedClock(now);
  const worker = await startWorker({
    db,
    boss,
    clock,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    portsFor: ports,
    pollingIntervalSeconds: 0.5,
  });
  return {
    boss,
    worker,
    clock,
    stop: async () => {
      await worker.stop();
      await boss.stop({ graceful: true, timeout: 5000 });
    },
  };
}

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A tenant with an email, a phone and consent on every channel, on one lease. */
export async function seedTenant(db: Database, orgId: string, leaseId: string, tenantId: string, phone: string) {
  await db.knex('tenants').insert({ org_id: orgId, id: tenantId, name: `Tenant ${tenantId}` });
  await db.knex('lease_tenants').insert({ org_id: orgId, lease_id: leaseId, tenant_id: tenantId, role: 'primary' });
  await db.knex('contact_points').insert([
    { org_id: orgId, tenant_id: tenantId, channel: 'email', value: `${tenantId.toLowerCase()}@tenant.test` },
    { org_id: orgId, tenant_id: tenantId, channel: 'phone', value: phone },
  ]);
  await db.knex('tenant_consents').insert(
    ['email', 'sms', 'voice'].map((channel) => ({
      org_id: orgId,
      tenant_id: tenantId,
      channel,
      granted: true,
      source: 'lease-signup',
      changed_at: new Date('2025-01-01T00:00:00Z'),
    })),
  );
}

/**
 * A portfolio of `count` leases on one property in `zone`, each with one tenant reachable by
 * email and text (consent given), and `policy` as the org's residential policy. For the crash
 * harness and the pipeline bench. Returns the lease ids.
 */
export async function seedBulkPortfolio(
  db: Database,
  orgId: string,
  count: number,
  zone: string,
  policy: PolicyDocument,
): Promise<string[]> {
  await db.knex('orgs').insert({ org_id: orgId, name: orgId, settings: { policies: { residential: policy.id } } });
  await db
    .knex('properties')
    .insert({ org_id: orgId, id: 'P1', name: 'P1', jurisdiction: 'US-TX', timezone: zone, units: count });
  const ids = Array.from({ length: count }, (_, i) => `L${String(i).padStart(6, '0')}`);
  const insert = (table: string, rows: Record<string, unknown>[]) => db.knex.batchInsert(table, rows, 1000);
  await insert(
    'leases',
    ids.map((id) => ({
      org_id: orgId,
      id,
      property_id: 'P1',
      kind: 'residential',
      rent_cents: 100_000,
      due_day: 1,
      grace_days: 0,
    })),
  );
  await insert(
    'tenants',
    ids.map((id) => ({ org_id: orgId, id: `T${id}`, name: `Tenant ${id}` })),
  );
  await insert(
    'lease_tenants',
    ids.map((id) => ({ org_id: orgId, lease_id: id, tenant_id: `T${id}` })),
  );
  await insert(
    'contact_points',
    ids.flatMap((id, i) => [
      { org_id: orgId, tenant_id: `T${id}`, channel: 'email', value: `${id.toLowerCase()}@tenant.test` },
      { org_id: orgId, tenant_id: `T${id}`, channel: 'phone', value: `+1512${String(i).padStart(7, '0')}` },
    ]),
  );
  await insert(
    'tenant_consents',
    ids.flatMap((id) =>
      ['email', 'sms'].map((channel) => ({
        org_id: orgId,
        tenant_id: `T${id}`,
        channel,
        granted: true,
        source: 'signup',
        changed_at: new Date('2025-01-01T00:00:00Z'),
      })),
    ),
  );
  await analyzeMasterTables(db);
  await db.withOrg(orgId, (trx) => publishPolicy(trx, orgId, policy, 'admin', new Date()));
  return ids;
}

/** An IANA zone where it is about midday now: real-clock runs stay clear of quiet hours. */
export function middayZone(at: Date = new Date()): string {
  const offset = Math.max(-12, Math.min(12, at.getUTCHours() - 12));
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '+' : '-'}${Math.abs(offset)}`;
}

/** Waits until no job is ready or running in the test's queues (deferred future jobs aside). */
export async function waitForIdle(db: TestDatabase, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'the queues to go idle',
    async () => {
      const busy = await db.knex.raw<{ rows: { n: number }[] }>(
        `select count(*)::int as n from ??.job
          where state in ('created', 'retry', 'active') and start_after <= now() and name not like 'portfolio%'`,
        [`${db.schema}_jobs`],
      );
      return busy.rows[0]!.n === 0 ? true : undefined;
    },
    timeoutMs,
  );
}
