/**
 * Whether an Inbound Parse email really comes from the domain in its From address, from the
 * verdicts SendGrid's receiving server posts with it (the default "parsed" format):
 *
 * - `dkim`: each DKIM signature's domain and result, as `{@tenant.test : pass}`, several
 *   comma-separated (`{@gmail.com : pass, @sendgrid.info : fail}`); empty or `none` when the
 *   email was not signed. SendGrid documents it only as "the verification results of any DKIM
 *   and domain keys signatures", so it is read defensively: any `@domain : result` pairs, quotes
 *   allowed, anything else ignored.
 * - `SPF`: the SPF result (`pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`,
 *   `permerror`) for the SMTP envelope sender (`envelope.from`, the Return-Path), not for the
 *   From header. Only its first word is read.
 *
 * The From header is what an attacker writes freely, so neither verdict alone says anything
 * about it: a DKIM pass counts only for a signing domain aligned with the From domain, and an
 * SPF pass only when the envelope sender's domain is aligned with it (DMARC's relaxed alignment,
 * RFC 7489 3.1: equal, or one a subdomain of the other, without a public-suffix list, which no
 * attacker can exploit since signing or sending as a parent or child domain needs its DNS).
 * Without an envelope sender an SPF pass vouches for nothing we can name.
 */
export interface SenderAuthentication {
  verified: boolean;
  /** What the verdict rests on, for the person reading the reply: `from tenant.test: dkim=pass (tenant.test)`. */
  check: string;
}

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** The lower-cased domain of an address, or undefined when it has none worth comparing. */
export function domainOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const domain = address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  return address.includes('@') && DOMAIN.test(domain) ? domain : undefined;
}

/** Relaxed alignment: the same domain, or one a subdomain of the other. */
export function aligned(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** Every `@domain : result` pair in SendGrid's `dkim` field. */
export function dkimResults(field: string | undefined): { domain: string; result: string }[] {
  const results: { domain: string; result: string }[] = [];
  for (const match of (field ?? '').matchAll(/"?@([A-Za-z0-9.-]+)"?\s*:\s*"?([A-Za-z]+)/g))
    results.push({ domain: match[1]!.toLowerCase().replace(/\.$/, ''), result: match[2]!.toLowerCase() });
  return results;
}

/** The SPF result word (`pass`, `softfail`, …), or `none` when the field is absent or unreadable. */
export function spfResult(field: string | undefined): string {
  return /^\s*([A-Za-z]+)/.exec(field ?? '')?.[1]?.toLowerCase() ?? 'none';
}

export function authenticateSender(
  from: string,
  envelopeFrom: string | undefined,
  fields: { dkim?: string; spf?: string },
): SenderAuthentication {
  const fromDomain = domainOf(from);
  const envelopeDomain = domainOf(envelopeFrom);
  const dkim = dkimResults(fields.dkim);
  const spf = spfResult(fields.spf);
  const dkimText = dkim.length ? dkim.map((d) => `dkim=${d.result} (${d.domain})`).join(', ') : 'dkim=none';
  const spfText = `spf=${spf}${envelopeDomain ? ` (${envelopeDomain})` : ''}`;
  const check = `from ${fromDomain ?? 'an unreadable domain'}: ${spfText}, ${dkimText}`;
  if (!fromDomain) return { verified: false, check };
  const byDkim = dkim.some((d) => d.result === 'pass' && aligned(d.domain, fromDomain));
  const bySpf = spf === 'pass' && envelopeDomain !== undefined && aligned(envelopeDomain, fromDomain);
  return { verified: byDkim || bySpf, check };
}
