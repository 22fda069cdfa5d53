import type { LedgerEvent } from '@arrears/shared';
import type { Knex } from 'knex';
import { LEASES_PER_PROPERTY, leaseSpec, pad, STATES, TIMEZONES } from './data.ts';
import { batched, copyField, copyIn } from './harness.ts';

/** An org with properties and leases, loaded as the owner with COPY (row-level security does not apply). */
export async function seedPortfolio(knex: Knex, orgId: string, leases: number): Promise<void> {
  await knex('orgs').insert({ org_id: orgId, name: `Bench ${orgId}` });
  const properties = Math.ceil(leases / LEASES_PER_PROPERTY);
  function* propertyLines(): Generator<string> {
    for (let i = 0; i < properties; i++) {
      yield `${orgId}\tP${pad(i + 1, 5)}\tProperty ${i + 1}\t${STATES[i % STATES.length]}\t${TIMEZONES[i % TIMEZONES.length]}\t${LEASES_PER_PROPERTY}\n`;
    }
  }
  await copyIn(
    knex,
    'copy properties (org_id, id, name, jurisdiction, timezone, units) from stdin',
    batched(propertyLines()),
  );
  function* leaseLines(): Generator<string> {
    for (let i = 0; i < leases; i++) {
      const l = leaseSpec(i);
      yield `${orgId}\t${l.id}\t${l.property}\t${pad((i % LEASES_PER_PROPERTY) + 1, 3)}\tresidential\t${l.rent}\t${l.dueDay}\t${l.grace}\n`;
    }
  }
  await copyIn(
    knex,
    'copy leases (org_id, id, property_id, unit, kind, rent_cents, due_day, grace_days) from stdin',
    batched(leaseLines()),
  );
}

/**
 * One event as a ledger_entries row in COPY text: org_id, lease_id, source, external_id, kind,
 * charge_type, amount_cents, effective_on, due_on, memo, recorded_at (the defaults ingest applies).
 */
export function ledgerRow(orgId: string, source: string, recordedAt: string, event: LedgerEvent): string {
  const isCharge = event.kind === 'charge';
  const memo = event.kind === 'reversal' ? (event.memo ?? event.reason) : event.memo;
  return `${orgId}\t${copyField(event.lease_id)}\t${source}\t${copyField(event.external_id)}\t${event.kind}\t${
    isCharge ? event.charge_type : '\\N'
  }\t${event.amount_cents ?? '\\N'}\t${event.effective_on}\t${
    isCharge ? (event.due_on ?? event.effective_on) : '\\N'
  }\t${copyField(memo)}\t${recordedAt}\n`;
}

export const LEDGER_ROW_COLUMNS =
  'org_id, lease_id, source, external_id, kind, charge_type, amount_cents, effective_on, due_on, memo, recorded_at';
