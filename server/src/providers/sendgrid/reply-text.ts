/**
 * What a tenant wrote in a reply, without the message they replied to, so "unsubscribe" on top
 * of a quoted collection notice reads as "unsubscribe". Only the common, unambiguous markers are
 * cut: the "On <date>, <sender> wrote:" attribution (Gmail, Apple Mail, Thunderbird; it may wrap
 * onto a second line), Outlook's "-----Original Message-----" or "From: … / Sent: …" block,
 * a "-- " signature delimiter, and `>`-quoted lines. Anything cleverer risks cutting the
 * tenant's own words. Returns '' when the reply adds nothing above the quote.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    if (/^\s*On\s.+\swrote:\s*$/i.test(line)) break;
    if (/^\s*On\s.+/i.test(line) && !/wrote:/i.test(line) && /^.*\swrote:\s*$/i.test(next)) break;
    if (/^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i.test(line)) break;
    if (/^\s*From:\s.+/i.test(line) && /^\s*(Sent|Date):\s.+/i.test(next)) break;
    if (/^\s*_{10,}\s*$/.test(line) && /^\s*From:\s.+/i.test(next)) break;
    if (line === '-- ') break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

/** "Re: Fwd: Unsubscribe" → "Unsubscribe": a subject-only reply still says what it means. */
export function stripReplyPrefixes(subject: string): string {
  return subject.replace(/^\s*((re|fwd?|aw|sv|wg)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
}
