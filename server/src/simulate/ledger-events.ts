import type { ScenarioEvent } from '@arrears/shared';

type LedgerScenarioEvent = Extract<ScenarioEvent, { type: 'charge' | 'payment' | 'credit' | 'write_off' | 'reversal' }>;

/**
 * The ledger event a scenario's charge, payment, credit, write-off or reversal is, as the
 * ingest path takes it (lease and effective day are added by the caller). Scenario ids are
 * unique per lease and event type, the ledger's per source: the external id carries both.
 */
export function ledgerRecord(event: LedgerScenarioEvent, lease: string, today: string): Record<string, unknown> {
  const external = (type: string, id: string) => `${lease}/${type}/${id}`;
  switch (event.type) {
    case 'charge':
      return {
        kind: 'charge',
        external_id: external('charge', event.id),
        charge_type: event.kind,
        amount_cents: event.amount_cents,
        due_on: event.due ?? today,
      };
    case 'payment':
      return { kind: 'payment', external_id: external('payment', event.id), amount_cents: event.amount_cents };
    case 'credit':
      return {
        kind: 'credit',
        external_id: external('credit', event.id),
        amount_cents: event.amount_cents,
        ...(event.reason ? { memo: event.reason } : {}),
      };
    case 'write_off':
      return { kind: 'write_off', external_id: external('write_off', event.id), amount_cents: event.amount_cents };
    case 'reversal':
      return {
        kind: 'reversal',
        external_id: external('reversal', event.id),
        reverses: external('payment', event.of),
        reason: event.reason,
      };
  }
}

/** The deposit a move-out applies, as a credit (once per lease: its id is fixed). */
export function depositCredit(lease: string, amountCents: number): Record<string, unknown> {
  return {
    kind: 'credit',
    external_id: `${lease}/move_out/deposit`,
    amount_cents: amountCents,
    memo: 'deposit applied',
  };
}
