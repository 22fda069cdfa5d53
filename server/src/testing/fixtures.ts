import type { Database } from '../db/database.ts';
import { ingestLedgerEvents } from '../ledger/ingest.ts';

export interface LeaseFixture {
  id: string;
  property?: string;
  rent_cents?: number;
  kind?: 'residential' | 'commercial';
  due_day?: number;
  grace_days?: number;
}

export interface PropertyFixture {
  id: string;
  jurisdiction?: string;
  timezone?: string;
  units?: number;
}

/** Creates an org with properties and leases, as the owner (bypassing row-level security). */
export async function seedOrg(
  db: Database,
  orgId: string,
  properties: PropertyFixture[] = [{ id: 'P1' }],
  leases: LeaseFixture[] = [{ id: 'L1' }],
): Promise<void> {
  await db.knex('orgs').insert({ org_id: orgId, name: `Org ${orgId}` });
  await db.knex('properties').insert(
    properties.map((p) => ({
      org_id: orgId,
      id: p.id,
      name: `Property ${p.id}`,
      jurisdiction: p.jurisdiction ?? 'US-CA',
      timezone: p.timezone ?? 'America/Los_Angeles',
      units: p.units ?? 12,
    })),
  );
  await db.knex('leases').insert(
    leases.map((l) => ({
      org_id: orgId,
      id: l.id,
      property_id: l.property ?? properties[0]!.id,
      kind: l.kind ?? 'residential',
      rent_cents: l.rent_cents ?? 200_000,
      due_day: l.due_day ?? 1,
      grace_days: l.grace_days ?? 5,
    })),
  );
}

/**
 * One unpaid rent charge per lease through the real ingest (`R-<MM>-<lease>`, $2,000 unless
 * given), so allocations and open items are what production would hold.
 */
export async function postRent(
  db: Database,
  orgId: string,
  leases: readonly string[],
  effectiveOn: string,
  now: Date,
  amountCents = 200_000,
): Promise<void> {
  await ingestLedgerEvents(
    db,
    { orgId, source: 'accounting', actor: 'test', now },
    leases.map((lease, i) => ({
      row: i + 1,
      value: {
        kind: 'charge',
        charge_type: 'rent',
        lease_id: lease,
        external_id: `R-${effectiveOn.slice(5, 7)}-${lease}`,
        amount_cents: amountCents,
        effective_on: effectiveOn,
      },
    })),
  );
}
