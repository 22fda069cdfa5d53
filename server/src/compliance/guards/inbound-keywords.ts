import { TCPA_REVOCATION_KEYWORDS } from '../rules/federal-contact.ts';

/**
 * Classifies an inbound text so an opt-out is honoured the moment it arrives.
 *
 * `opt_out`: after case folding, and with punctuation, emoji and hyphens read as spaces, the
 * message starts with a revocation keyword (optionally after "please"), and every other word is a
 * keyword again or a harmless tail word: politeness ("please", "thanks") or what to stop
 * ("texting me", "calls"). So "Cancel", "STOP!", "opt out", "Opt-out", "unsubscribe please",
 * "Stop texting me" opt out, while "End of month I'll pay", "cancel my lease" and "don't stop" do
 * not: a keyword inside a sentence is too often about something else. Those go to a person, who
 * honours any other reasonable request (Reg F 1006.6(e), FCC 24-24) by hand.
 *
 * `help`: the word "help" anywhere ("I need help", "HELP me"), or "info" alone (the carriers'
 * HELP synonym). A request to be called ("can someone call me") is `other`: a person reads it.
 * Opt-out wins over help only when the message is an opt-out by the rule above.
 *
 * Spanish too, by the same rules: the FCC's words are its examples of a reasonable revocation,
 * and a reasonable person reads "Alto", "No más" or "Cancelar por favor" from a Spanish-speaking
 * tenant as one ("Necesito ayuda" as a call for help). Accents are ignored ("mas" = "más").
 */

export type InboundIntent = 'opt_out' | 'help' | 'other';

export const OPT_OUT_KEYWORDS: readonly string[] = TCPA_REVOCATION_KEYWORDS;

/** The same revocation in Spanish, accents removed ("no más" → "no mas"). */
export const SPANISH_OPT_OUT_KEYWORDS: readonly string[] = [
  'alto',
  'para',
  'parar',
  'pare',
  'basta',
  'detener',
  'cancelar',
  'cancela',
  'baja',
  'no mas',
  'desuscribir',
];

const HELP_WORDS = new Set(['help', 'ayuda', 'ayudame', 'ayudeme', 'ayudenme', 'ayudar', 'auxilio']);

/** Carrier-standard spellings of the FCC words. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  optout: ['opt', 'out'],
  stopall: ['stop'],
  nomas: ['no', 'mas'],
};

const LEADING = new Set(['please', 'pls', 'plz', 'por', 'favor']);
const TAIL = new Set([
  ...LEADING,
  'thanks',
  'thank',
  'you',
  'thx',
  'now',
  'all',
  'me',
  'text',
  'texts',
  'texting',
  'message',
  'messages',
  'messaging',
  'msgs',
  'calls',
  'calling',
  'contacting',
  'gracias',
  'ya',
  'mensajes',
  'mensaje',
  'textos',
  'texto',
  'llamadas',
  'llamar',
]);

// Longest first, so "opt out" is tried as a phrase before any one-word keyword.
const PHRASES = [...OPT_OUT_KEYWORDS, ...SPANISH_OPT_OUT_KEYWORDS]
  .map((keyword) => keyword.split(' '))
  .sort((a, b) => b.length - a.length);

function words(body: string): string[] {
  return body
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .split(/\s+/)
    .filter((word) => word !== '')
    .flatMap((word) => ALIASES[word] ?? [word]);
}

function keywordAt(tokens: readonly string[], at: number): number {
  for (const phrase of PHRASES) if (phrase.every((word, i) => tokens[at + i] === word)) return phrase.length;
  return 0;
}

function isOptOut(tokens: readonly string[]): boolean {
  let at = 0;
  while (at < tokens.length && LEADING.has(tokens[at] ?? '')) at++;
  const first = keywordAt(tokens, at);
  if (first === 0) return false;
  at += first;
  while (at < tokens.length) {
    const keyword = keywordAt(tokens, at);
    if (keyword > 0) at += keyword;
    else if (TAIL.has(tokens[at] ?? '')) at++;
    else return false;
  }
  return true;
}

export function classifyInbound(body: string): InboundIntent {
  const tokens = words(body);
  if (isOptOut(tokens)) return 'opt_out';
  if (tokens.some((token) => HELP_WORDS.has(token)) || (tokens.length === 1 && tokens[0] === 'info')) return 'help';
  return 'other';
}
