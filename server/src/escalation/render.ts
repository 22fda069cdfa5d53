import crypto from 'node:crypto';
import type { KnownEffect, LeaseFacts } from '../engine/facts.ts';

export interface Rendered {
  channel: string;
  template: string;
  body: string;
  content_sha256: string;
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;

/**
 * The exact text a contact carries, so the audit can hold its hash and the sandbox can show
 * it. Every email and text carries the balance net of open credits, a payment link and a clear
 * opt-out (12 CFR 1006.6(e)).
 */
export function renderContact(
  effect: KnownEffect,
  facts: LeaseFacts,
  paymentLinkBase: string,
  others: readonly { effect: KnownEffect; facts: LeaseFacts }[] = [],
): Rendered {
  const template = String(effect.payload.template ?? effect.type);
  const link = (f: LeaseFacts) => `${paymentLinkBase}/${encodeURIComponent(f.lease.id)}`;
  const leaseLines = (e: KnownEffect, f: LeaseFacts) => {
    const lines = [`Lease ${f.lease.id}: balance ${dollars(Math.max(0, f.balance_cents))}.`];
    if (e.payload.reminder) lines.push(`Rent of ${dollars(f.lease.rent_cents)} is due ${String(e.payload.due_on)}.`);
    return lines;
  };
  const lines = [`[${template}] ${leaseLines(effect, facts).join(' ')}`];
  if (effect.type === 'notice') {
    lines.push(
      `${String(effect.payload.notice)}: ${dollars(Number(effect.payload.amount_demanded_cents ?? 0))} demanded; expires ${String(effect.payload.expires_on)}.`,
    );
  }
  // One message for several leases (consolidate.ts): every lease's own balance, and the total.
  for (const other of others) lines.push(...leaseLines(other.effect, other.facts));
  if (others.length > 0) {
    const total = [facts, ...others.map((o) => o.facts)].reduce((sum, f) => sum + Math.max(0, f.balance_cents), 0);
    lines.push(`Total for your ${others.length + 1} leases: ${dollars(total)}.`);
  }
  if (effect.type === 'email' || effect.type === 'sms') {
    lines.push(`Pay: ${link(facts)}`);
    for (const other of others) lines.push(`Pay lease ${other.facts.lease.id}: ${link(other.facts)}`);
    lines.push('Reply STOP to opt out.');
  }
  const body = lines.join(' ');
  return {
    channel: effect.type,
    template,
    body,
    content_sha256: crypto.createHash('sha256').update(body).digest('hex'),
  };
}
