import type { KnownEffect } from '../engine/facts.ts';
import type { OutboundBase, OutboundPort, Ports } from '../ports/index.ts';
import type { Rendered } from '../templates/render.ts';

/** How a tenant is reached on each channel, from their contact points. */
export interface ContactCard {
  tenant_id: string;
  name: string;
  /** The tenant's language tag as stored (templates/language.ts reads it). */
  language?: string;
  email?: string;
  phone?: string;
  postal?: string;
}

/**
 * Contact cards from a lease's tenant rows joined with their contact points, ordered by tenant,
 * primary points first, then value (the lease context reads them so: escalation/facts.ts): the
 * first point of each channel wins. Every tenant has a card, with or without points.
 */
export function contactCardsOf(
  rows: readonly { id: string; name: string; language?: string; channel: string | null; value: string | null }[],
): ContactCard[] {
  const cards = new Map<string, ContactCard>();
  for (const row of rows) {
    const card = cards.get(row.id) ?? {
      tenant_id: row.id,
      name: row.name,
      ...(row.language ? { language: row.language } : {}),
    };
    cards.set(row.id, card);
    if (row.channel === 'email') card.email ??= row.value!;
    if (row.channel === 'phone') card.phone ??= row.value!;
    if (row.channel === 'postal') card.postal ??= row.value!;
  }
  return [...cards.values()];
}

/** The cards of `tenantIds`, in that order (ids with no card left out). */
export function cardsFor(cards: readonly ContactCard[], tenantIds: readonly string[]): ContactCard[] {
  return tenantIds.flatMap((id) => cards.filter((card) => card.tenant_id === id));
}

/** An effect ready for its port: which port, and exactly what it is handed. */
export type Outbound = { port: OutboundPort<OutboundBase>; message: OutboundBase; recipients: unknown };

export interface OutboundInput {
  orgId: string;
  effect: KnownEffect;
  leaseId: string;
  rendered: Rendered;
  cards: ContactCard[];
  /** The org's payment page for the lease; null when it has none (no link in the message either). */
  paymentLink: string | null;
  balanceCents: number;
}

/**
 * Builds the port message for a contact or record effect. Returns undefined for effects that
 * reach nobody outside (fees, approvals, internal bookkeeping).
 */
export function outboundFor(ports: Ports, input: OutboundInput): Outbound | undefined {
  const { effect, rendered, cards } = input;
  const base = {
    key: effect.key,
    org_id: input.orgId,
    lease_id: input.leaseId,
    content_sha256: rendered.content_sha256,
  };
  const as = <M extends OutboundBase>(port: OutboundPort<M>, message: M, recipients: unknown): Outbound => ({
    port: port as unknown as OutboundPort<OutboundBase>,
    message,
    recipients,
  });
  switch (effect.type) {
    case 'email': {
      const to = cards.filter((c) => c.email).map((c) => ({ email: c.email!, name: c.name }));
      return as(
        ports.email,
        {
          ...base,
          to,
          subject: rendered.subject,
          text: rendered.body,
          template: {
            id: rendered.template,
            data: {
              subject: rendered.subject,
              language: rendered.language,
              lease_id: input.leaseId,
              balance_cents: input.balanceCents,
              payment_link: input.paymentLink,
              body: rendered.body,
            },
          },
          custom_args: { effect_key: effect.key, org_id: input.orgId },
        },
        to,
      );
    }
    case 'sms': {
      const to = cards.find((c) => c.phone)?.phone ?? '';
      return as(ports.sms, { ...base, to, body: rendered.body }, [to]);
    }
    case 'call': {
      const to = cards.find((c) => c.phone)?.phone ?? '';
      return as(ports.voice, { ...base, to, say: rendered.body, voicemail: rendered.voicemail ?? rendered.body }, [to]);
    }
    case 'letter':
    case 'certified_letter':
    case 'notice':
    case 'receipt': {
      const channels = (effect.payload.channels as string[] | undefined) ?? [effect.type];
      const to = cards.map((c) => ({ name: c.name, address: c.postal ?? '' }));
      return as(
        ports.letter,
        {
          ...base,
          to,
          subject: rendered.subject,
          body: rendered.body,
          certified: channels.includes('certified_letter'),
        },
        to,
      );
    }
    case 'crm_update':
    case 'task': {
      const port = effect.type === 'task' ? ports.records.task : ports.records.crm;
      return as(
        port,
        {
          ...base,
          kind: effect.type,
          title: rendered.subject,
          body: rendered.body,
          data: effect.payload,
        },
        [],
      );
    }
    default:
      return undefined;
  }
}
