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

/**
 * Ledger events delivered so far, by external id: the local day the first delivery took effect
 * on, or null when it was refused before the ledger (a partial payment while a notice is open).
 * The same id again, on any day, is a re-delivery of that event — a webhook delivered three
 * times — and takes its first day, so only different content is a conflict.
 */
export class LedgerDeliveries {
  private readonly first = new Map<string, string | null>();

  /** The first delivery's day; null: refused before the ledger; undefined: not delivered yet. */
  firstDay(record: Record<string, unknown>): string | null | undefined {
    return this.first.get(String(record.external_id));
  }

  delivered(record: Record<string, unknown>, day: string | null): void {
    const id = String(record.external_id);
    if (!this.first.has(id)) this.first.set(id, day);
  }
}
