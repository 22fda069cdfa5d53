import pino from 'pino';
import type { PgBoss } from 'pg-boss';
import { fixedClock } from '../clock.ts';
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
    paymentLinkBase: 'https://pay.test',
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
