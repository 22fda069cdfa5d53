/** Ledger events as the ingest path takes them, for the ledger's tests. */

export const rent = (lease: string, id: string, due: string, amount = 200_000) => ({
  kind: 'charge',
  charge_type: 'rent',
  lease_id: lease,
  external_id: id,
  amount_cents: amount,
  effective_on: due,
  due_on: due,
});

export const payment = (lease: string, id: string, on: string, amount: number) => ({
  kind: 'payment',
  lease_id: lease,
  external_id: id,
  amount_cents: amount,
  effective_on: on,
});
