import crypto from 'node:crypto';
import { fillPaymentUrl } from '@arrears/shared';
import type { KnownEffect, LeaseFacts } from '../engine/facts.ts';
import { CATALOGS, fill, messageFor, type Placeholder } from './catalog.ts';
import { longDate, money } from './format.ts';
import { languageOf, type Language } from './language.ts';

/** A recipient as rendering needs them: the name to address and the language to write in. */
export interface Addressee {
  name: string;
  language?: string | null;
}

export interface RenderInput {
  /** The effect with its dispatch-time payload (a notice's amount and deadline, a receipt's amount). */
  effect: KnownEffect;
  facts: LeaseFacts;
  /** Who it goes to, in order: the first one's language is the message's. */
  recipients: readonly Addressee[];
  /** Other leases' reminders this one message also carries (escalation/consolidate.ts). */
  others?: readonly { effect: KnownEffect; facts: LeaseFacts }[];
}

export interface Rendered {
  channel: string;
  template: string;
  /** The language the tenant reads it in (a legal notice: its translation's; English stays first). */
  language: Language;
  /** Set when the tenant's language is one Arrears has no templates in (they got English). */
  language_requested?: string;
  subject: string;
  body: string;
  /** Calls: the limited-content message left on a machine. */
  voicemail?: string;
  /** Over subject, body and voicemail: exactly what the tenant can receive. */
  content_sha256: string;
}

/** Effects written for the org's own staff (CRM flags, agent tasks): English, with the template id as a tag. */
const INTERNAL = new Set(['task', 'crm_update']);

/**
 * Where a tenant pays for a lease: the org's own payment page (its `payment_url` setting, which
 * came with the facts), or null when the org has none. Arrears takes no payments itself, so
 * without one a message carries no link at all rather than one that leads nowhere.
 */
export function paymentLink(facts: LeaseFacts, leaseId: string = facts.lease.id): string | null {
  return facts.org.payment_url ? fillPaymentUrl(facts.org.payment_url, { lease_id: leaseId }) : null;
}

/**
 * The exact text a contact or record carries, so the audit can hold its hash and the sandbox
 * (or the provider) shows it: the template the step names, in the recipient's language, filled
 * from the lease's facts. Every email and text carries the balance, the org's payment link when
 * it has one, and a clear opt-out (12 CFR 1006.6(e)); a legal notice is served in English,
 * followed by a translation when the tenant reads another language we have.
 */
export function renderContact(input: RenderInput): Rendered {
  const { effect } = input;
  const channel = effect.type;
  // A fallback after a failed delivery carries the failed message's template, whose words were
  // written for its own channel ("reply to this email"): the next channel uses its own wording.
  const template =
    effect.payload.fallback_for !== undefined ? `@${channel}` : String(effect.payload.template ?? effect.type);
  const wanted = languageOf(input.recipients[0]?.language);
  const internal = INTERNAL.has(channel);
  const language: Language = internal ? 'en' : wanted.language;
  let subject: string;
  let body: string;
  let voicemail: string | undefined;
  if (channel === 'notice') {
    const english = composeNotice(input, template, 'en');
    subject = english.subject;
    body = english.body;
    if (language !== 'en') {
      const translated = composeNotice(input, template, language);
      // The translated body opens with its own title already.
      body += `\n\n${CATALOGS[language].phrases.translation}\n\n${translated.body}`;
    }
  } else {
    const composed = compose(input, template, language);
    ({ subject, body, voicemail } = composed);
  }
  const hashed = [subject, body, ...(voicemail ? [voicemail] : [])].join('\n\n');
  return {
    channel,
    template,
    language,
    ...(wanted.fallback && !internal ? { language_requested: String(input.recipients[0]?.language) } : {}),
    subject,
    body,
    ...(voicemail ? { voicemail } : {}),
    content_sha256: crypto.createHash('sha256').update(hashed).digest('hex'),
  };
}

/** What the placeholders stand for, for one lease, in one language. */
function valuesFor(input: RenderInput, facts: LeaseFacts, effect: KnownEffect, language: Language) {
  const p = effect.payload;
  const { phrases } = CATALOGS[language];
  const names = input.recipients.map((r) => r.name).filter(Boolean);
  const oldest = facts.open_charges[0]?.due_on;
  const day = (value: unknown) => (typeof value === 'string' ? longDate(value, language) : '');
  const cents = (value: unknown) => (typeof value === 'number' ? money(value) : '');
  const rule = p.rule as { citation?: string } | undefined;
  const link = paymentLink(facts);
  const values: Partial<Record<Placeholder, string>> = {
    name: names[0] ?? phrases.resident,
    names: names.length > 0 ? names.join(', ') : phrases.resident,
    org: facts.org.name ?? 'Your landlord',
    property: facts.property.name ?? facts.property.id,
    lease: facts.lease.id,
    balance: money(Math.max(0, facts.balance_cents)),
    rent: money(facts.lease.rent_cents),
    due_date: day(p.due_on ?? p.period_due_on ?? oldest),
    days_late: String(oldest ? Math.max(0, daysBetween(oldest, facts.today)) : 0),
    oldest_due: day(oldest),
    amount: cents(p.amount_cents),
    balance_after: cents(p.balance_after_cents ?? Math.max(0, facts.balance_cents)),
    amount_demanded: cents(p.amount_demanded_cents ?? Math.max(0, facts.balance_cents)),
    expires_on: day(p.expires_on),
    citation: [rule?.citation, ...((p.also as { citation?: string }[] | undefined) ?? []).map((r) => r.citation)]
      .filter(Boolean)
      .join('; '),
    // Absent without a payment URL: the sentences that hold it are left out (`compose`).
    ...(link ? { link } : {}),
    how_to_pay: link ? phrases.pay_by_link : phrases.pay_usual_way,
    today: longDate(facts.today, language),
    reply: typeof p.body === 'string' ? p.body : '',
    channel: typeof p.channel === 'string' ? p.channel : 'message',
    template: String(p.template ?? effect.type),
    // A flag's own words: the manager's reason, the hold's label.
    note: typeof p.flag === 'string' ? p.flag : '',
    // Late fees over a cap (engine/fees.ts feeCapOverruns).
    cap: cents(p.cap_cents),
    arrears_fees: cents(p.arrears_cents),
    other_fees: cents(p.elsewhere_cents),
  };
  return values;
}

function compose(
  input: RenderInput,
  template: string,
  language: Language,
): { subject: string; body: string; voicemail?: string } {
  const { effect, facts } = input;
  const { phrases } = CATALOGS[language];
  const values = valuesFor(input, facts, effect, language);
  const { text } = messageFor(template, effect.type, language);
  const subject = fill(text.subject, values);
  const main = fill(text.text, values);
  const others = input.others ?? [];
  // One message for several leases: every lease's own balance, the total, a link per lease.
  const leaseLines =
    others.length === 0
      ? []
      : [
          ...[{ effect, facts }, ...others].map((o) =>
            fill(phrases.lease_line, { lease: o.facts.lease.id, balance: money(Math.max(0, o.facts.balance_cents)) }),
          ),
          fill(phrases.total_line, {
            count: String(others.length + 1),
            total: money([facts, ...others.map((o) => o.facts)].reduce((s, f) => s + Math.max(0, f.balance_cents), 0)),
          }),
        ];
  // The lease lines above already name each lease and its balance: without the org's payment
  // page there is nothing more to add, and no "Pay online" sentence with nothing to follow it.
  const links = values.link
    ? [
        fill(phrases.pay_online, values),
        // The same org's page (one message, one org), for each other lease.
        ...others.map((o) =>
          fill(phrases.pay_lease, { lease: o.facts.lease.id, link: paymentLink(facts, o.facts.lease.id)! }),
        ),
      ]
    : [];
  switch (effect.type) {
    case 'email':
      return {
        subject,
        body: [
          fill(phrases.greeting, values),
          main,
          leaseLines.join('\n'),
          links.join('\n'),
          fill(phrases.closing, values),
          phrases.email_opt_out,
        ]
          .filter(Boolean)
          .join('\n\n'),
      };
    case 'sms':
      // The opt-out confirmation is the one text that carries neither a link nor another opt-out.
      if (effect.payload.purpose === 'opt_out_confirmation') return { subject, body: main };
      return { subject, body: [main, ...leaseLines, ...links, phrases.sms_opt_out].join(' ') };
    case 'call':
      return {
        subject,
        body: main,
        voicemail: fill(text.voicemail ?? messageFor('@call', 'call', language).text.voicemail!, values),
      };
    case 'task':
    case 'crm_update':
      return {
        subject,
        body: `[${template}] ${subject}. ${main} Lease ${facts.lease.id} at ${values.property}: balance ${values.balance}, ${values.days_late} days past due.`,
      };
    default:
      // Letters and receipts: a dated letter to everyone it is addressed to.
      return {
        subject,
        body: [
          values.today,
          values.names,
          `Re: ${subject}`,
          fill(phrases.greeting, values),
          main,
          links.join('\n'),
          fill(phrases.closing, values),
        ]
          .filter(Boolean)
          .join('\n\n'),
      };
  }
}

/** A legal notice: title, date, the statutory text, how to pay, the rule it is served under. */
function composeNotice(input: RenderInput, template: string, language: Language): { subject: string; body: string } {
  const { effect, facts } = input;
  const values = valuesFor(input, facts, effect, language);
  const notice = typeof effect.payload.notice === 'string' ? effect.payload.notice : undefined;
  const { text } = messageFor(template, 'notice', language, notice);
  const subject = fill(text.subject, values);
  const parts = [subject.toUpperCase(), values.today!, fill(text.text, values)];
  // A validation notice informs; every other notice demands money, payable online when the org
  // has a payment page.
  if (notice !== 'validation' && values.link) parts.push(fill(CATALOGS[language].phrases.pay_online, values));
  parts.push(values.org!);
  if (values.citation) parts.push(`(${values.citation})`);
  return { subject, body: parts.join('\n\n') };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
