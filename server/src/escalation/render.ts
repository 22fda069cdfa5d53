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
export function renderContact(effect: KnownEffect, facts: LeaseFacts, paymentLinkBase: string): Rendered {
  const template = String(effect.payload.template ?? effect.type);
  const owed = Math.max(0, facts.balance_cents);
  const link = `${paymentLinkBase}/${encodeURIComponent(facts.lease.id)}`;
  const lines = [`[${template}] Lease ${facts.lease.id}: balance ${dollars(owed)}.`];
  if (effect.payload.reminder)
    lines.push(`Rent of ${dollars(facts.lease.rent_cents)} is due ${String(effect.payload.due_on)}.`);
  if (effect.type === 'notice') {
    lines.push(
      `${String(effect.payload.notice)}: ${dollars(Number(effect.payload.amount_demanded_cents ?? 0))} demanded; expires ${String(effect.payload.expires_on)}.`,
    );
  }
  if (effect.type === 'email' || effect.type === 'sms') lines.push(`Pay: ${link}`, 'Reply STOP to opt out.');
  const body = lines.join(' ');
  return {
    channel: effect.type,
    template,
    body,
    content_sha256: crypto.createHash('sha256').update(body).digest('hex'),
  };
}
