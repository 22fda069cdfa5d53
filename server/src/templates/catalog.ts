import type { Language } from './language.ts';
import { EN } from './texts.en.ts';
import { ES } from './texts.es.ts';

/** One message as a template: `{name}`-style placeholders, filled by `fill` (render.ts). */
export interface MessageText {
  /** Email subject, a letter's "Re:" line, a notice's title. */
  subject: string;
  /** The message itself; a blank line separates paragraphs. */
  text: string;
  /**
   * Calls only: what is left on an answering machine. A limited-content message (12 CFR
   * 1006.2(j)): the tenant's name, who calls and a request to call back — never a word of a
   * debt, which anyone near the machine may hear.
   */
  voicemail?: string;
}

/** The fixed phrases every message of a language is assembled with. */
export interface Phrases {
  greeting: string;
  closing: string;
  /** Only when the org has a payment page (`payment_url`); without one, left out. */
  pay_online: string;
  pay_lease: string;
  /** `{how_to_pay}` in a call's script: the link sent before, or, with no payment page, no link. */
  pay_by_link: string;
  pay_usual_way: string;
  lease_line: string;
  total_line: string;
  email_opt_out: string;
  sms_opt_out: string;
  /** Heads the translation printed after a legal notice's governing English text. */
  translation: string;
  /** The addressee when a recipient has no name on file. */
  resident: string;
}

export interface Catalog {
  phrases: Phrases;
  /**
   * By template id (what a policy step, reminder or rule names), then by fallback:
   * `@notice:<kind>`, then `@<channel>`. A customer's own policy may name templates we do not
   * have: its messages still go out, in the channel's general wording.
   */
  messages: Record<string, MessageText>;
}

export const CATALOGS: Record<Language, Catalog> = { en: EN, es: ES };

/**
 * The text for a template in a language: the template itself, else the general one for its
 * notice kind or channel. Internal records (tasks, CRM flags) are written for the org's staff,
 * in English.
 */
export function messageFor(
  template: string,
  channel: string,
  language: Language,
  notice?: string,
): { text: MessageText; matched: string } {
  const { messages } = CATALOGS[language];
  for (const id of [template, ...(notice ? [`@notice:${notice}`] : []), `@${channel}`]) {
    const text = messages[id];
    if (text) return { text, matched: id };
  }
  return { text: messages['@letter']!, matched: '@letter' };
}

/** Every placeholder a template may use; anything else is a typo (templates.test.ts). */
export const PLACEHOLDERS = [
  'name',
  'names',
  'org',
  'property',
  'lease',
  'balance',
  'rent',
  'due_date',
  'days_late',
  'oldest_due',
  'amount',
  'balance_after',
  'amount_demanded',
  'expires_on',
  'citation',
  'link',
  'how_to_pay',
  'today',
  'reply',
  'channel',
  'count',
  'total',
  'template',
  'note',
  'cap',
  'arrears_fees',
  'other_fees',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Replaces `{placeholder}`s; one the message has no value for is left visible, never blank. */
export function fill(text: string, values: Partial<Record<Placeholder, string>>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, key: string) => values[key as Placeholder] ?? whole);
}
