import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PolicyDocument, Scenario } from '@arrears/shared';
import { migrations } from '@arrears/migrations';
import { loadConfig } from '../config/config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { publishPolicy } from '../escalation/policies.ts';

/** The installed PGlite's version, from its package.json (the package does not export that path). */
const PGLITE_VERSION = (() => {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite') return pkg.version ?? 'unknown';
  }
  return 'unknown';
})();

/** The org every simulation runs in: the database is the run's own. */
export const SIM_ORG = 'sim';

/**
 * The image every run's throwaway database starts from: PGlite initialised and migrated, as a
 * tarball. Building it takes seconds, so it is built once per schema version — kept for the
 * process and in the temp dir for the next process (`arrears simulate` is one per file) — and
 * each run opens an in-memory copy of it: nothing of a run touches the disk.
 */
let image: Promise<Blob> | undefined;
export function simulationImage(): Promise<Blob> {
  image ??= cachedImage().catch((error: unknown) => {
    image = undefined;
    throw error;
  });
  return image;
}

async function cachedImage(): Promise<Blob> {
  // Keyed by the schema (its migrations) and by the PGlite build that wrote it: an image from
  // another PGlite version may not load.
  const version = crypto
    .createHash('sha256')
    .update(`${PGLITE_VERSION}\0${migrations.map((m) => m.name).join(',')}`)
    .digest('hex')
    .slice(0, 12);
  const file = path.join(tmpdir(), `arrears-simulate-image-${version}.tar`);
  if (existsSync(file)) return new Blob([await readFile(file)]);
  const db = await openDatabase(embeddedConfig(), { inMemory: {} });
  let built: Blob;
  try {
    built = await db.image!();
  } finally {
    await db.close();
  }
  // Written aside and renamed: a concurrent run never reads half a file; either copy is as good.
  const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  await writeFile(partial, Buffer.from(await built.arrayBuffer()));
  await rename(partial, file).catch(() => rm(partial, { force: true }));
  return built;
}

/** Embedded settings for a throwaway run (its data dir is never used: the database is in memory). */
export function embeddedConfig() {
  return loadConfig({ ARREARS_DATA_DIR: path.join(tmpdir(), 'arrears-simulate-unused'), ARREARS_DEMO: 'false' });
}

/** Loads the scenario's org, users, properties, leases and tenants; returns the policy id to pin. */
export async function seedScenario(db: Database, s: Scenario, now: Date): Promise<string> {
  await db.knex('orgs').insert({ org_id: SIM_ORG, name: 'Simulation', settings: JSON.stringify(s.org) });
  return db.withOrg(SIM_ORG, async (trx) => {
    if (s.users.length) await trx('users').insert(s.users.map((u) => ({ org_id: SIM_ORG, id: u.id, role: u.role })));
    await trx('properties').insert(
      s.properties.map((p) => ({
        org_id: SIM_ORG,
        id: p.id,
        name: p.id,
        jurisdiction: p.jurisdiction,
        timezone: p.timezone,
        units: p.units,
        cares_covered: p.cares_covered,
        late_fee: p.late_fee ? JSON.stringify(p.late_fee) : null,
      })),
    );
    const tenants = new Map<string, Scenario['leases'][number]['tenants'][number]>();
    for (const lease of s.leases) {
      await trx('leases').insert({
        org_id: SIM_ORG,
        id: lease.id,
        property_id: lease.property,
        kind: lease.kind,
        rent_cents: lease.rent_cents,
        due_day: lease.due_day,
        grace_days: lease.grace_days,
        late_fee: lease.late_fee ? JSON.stringify(lease.late_fee) : null,
        collector: lease.collector,
        segment: lease.segment ?? null,
        cure_days: lease.cure_days ?? null,
        autopay: lease.autopay,
      });
      for (const t of lease.tenants) tenants.set(t.id, t);
    }
    for (const t of tenants.values()) {
      await trx('tenants').insert({
        org_id: SIM_ORG,
        id: t.id,
        name: t.name,
        kind: t.type,
        language: t.language,
        phone_timezone: t.phone_timezone ?? null,
      });
      const points = [
        ...(t.email ? [{ channel: 'email', value: t.email }] : []),
        ...(t.phone ? [{ channel: 'phone', value: t.phone }] : []),
      ];
      if (points.length)
        await trx('contact_points').insert(points.map((p) => ({ org_id: SIM_ORG, tenant_id: t.id, ...p })));
      const consents = [
        { channel: 'sms', granted: t.sms_consent && Boolean(t.phone) },
        { channel: 'voice', granted: (t.voice_consent ?? t.sms_consent) && Boolean(t.phone) },
        { channel: 'email', granted: Boolean(t.email) },
      ];
      await trx('tenant_consents').insert(
        consents.map((c) => ({ org_id: SIM_ORG, tenant_id: t.id, ...c, source: 'scenario', changed_at: now })),
      );
    }
    for (const lease of s.leases)
      await trx('lease_tenants').insert(
        lease.tenants.map((t) => ({ org_id: SIM_ORG, lease_id: lease.id, tenant_id: t.id, role: t.role })),
      );
    if (typeof s.policy === 'string') return s.policy;
    await publishPolicy(trx, SIM_ORG, s.policy as PolicyDocument, 'scenario', now);
    return s.policy.id;
  });
}
