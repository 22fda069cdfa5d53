import type { Database, Trx } from '../db/database.ts';
import type { OutboundBase, OutboundPort, Ports } from '../ports/index.ts';
import { ProviderError } from '../ports/index.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import { loadCredentials } from '../secrets/credentials.ts';
import { sandboxPorts } from './sandbox/sandbox.ts';
import { parseSendgridCredentials } from './sendgrid/credentials.ts';
import { sendgridPorts } from './sendgrid/mail.ts';
import { parseTwilioCredentials } from './twilio/credentials.ts';
import { twilioPorts } from './twilio/ports.ts';

/**
 * Every provider whose credentials can be stored, what the stored JSON must look like, and
 * which ports it takes over from the sandbox. `provider set` validates with `parse`, so a
 * typo is refused when it is typed, not discovered at the first send.
 */
export const PROVIDERS = {
  twilio: { parse: parseTwilioCredentials, ports: 'sms and voice' },
  sendgrid: { parse: parseSendgridCredentials, ports: 'email' },
  accounting: { parse: parseAccountingCredentials, ports: 'none (the signed accounting webhook)' },
} as const;
export type ProviderName = keyof typeof PROVIDERS;

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDERS, name);
}

function parseAccountingCredentials(value: unknown): { webhook_secret: string } {
  const secret = (value as { webhook_secret?: unknown } | null)?.webhook_secret;
  if (typeof secret !== 'string' || secret.length < 16)
    throw new Error('webhook_secret: expected a string of at least 16 characters');
  return { webhook_secret: secret };
}

export interface ProviderPortsOptions {
  db: Database;
  /** Without a cipher (embedded mode without a key) nothing can be stored: every org is sandboxed. */
  cipher: SecretCipher | undefined;
  /** ARREARS_PUBLIC_URL: where providers call back (signed status callbacks, event webhooks). */
  publicUrl: string;
  /** How long an org's ports are reused before its credentials are read again. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The ports an org dispatches through: its own providers where it stored credentials, the
 * sandbox for every other channel. Built ports (and their SDK clients) are reused for `ttlMs`
 * (default 30 s), so a dispatch does not read and decrypt credentials each time; a changed
 * credential applies within that time.
 */
export function providerPorts(options: ProviderPortsOptions): (orgId: string) => Promise<Ports> {
  const ttl = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; ports: Promise<Ports> }>();
  return (orgId) => {
    const hit = cache.get(orgId);
    if (hit && now() - hit.at < ttl) return hit.ports;
    const ports = options.cipher
      ? options.db.withOrg(orgId, (trx) => buildPorts(trx, options.cipher!, orgId, options.publicUrl))
      : Promise.resolve(sandboxPorts());
    cache.set(orgId, { at: now(), ports });
    // A failed read is not remembered: the next dispatch tries again.
    ports.catch(() => cache.delete(orgId));
    return ports;
  };
}

async function buildPorts(trx: Trx, cipher: SecretCipher, orgId: string, publicUrl: string): Promise<Ports> {
  const ports = sandboxPorts();
  const twilio = await loadCredentials(trx, cipher, orgId, 'twilio');
  if (twilio) {
    const built = tryBuild(() => twilioPorts(parseTwilioCredentials(twilio), { orgId, publicUrl }));
    ports.sms = built ? built.sms : misconfigured('twilio', 'sms');
    ports.voice = built ? built.voice : misconfigured('twilio', 'voice');
  }
  const sendgrid = await loadCredentials(trx, cipher, orgId, 'sendgrid');
  if (sendgrid) {
    const built = tryBuild(() => sendgridPorts(parseSendgridCredentials(sendgrid), { orgId, publicUrl }));
    ports.email = built ? built.email : misconfigured('sendgrid', 'email');
  }
  return ports;
}

function tryBuild<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}

/**
 * Stored credentials that no longer parse (written before validation existed, or by hand):
 * the channel must not quietly fall back to the sandbox, which would record a contact nobody
 * received. Every send fails as `auth`, so the job retries, lands in the dead letters, and the
 * reason says what to fix.
 */
function misconfigured<M extends OutboundBase>(
  provider: ProviderName,
  channel: 'sms' | 'voice' | 'email',
): OutboundPort<M> {
  const invalid = () =>
    Promise.reject(
      new ProviderError(
        provider,
        'auth',
        `stored ${provider} credentials are invalid; run \`arrears provider set ${provider} FILE\` again`,
      ),
    );
  return {
    channel,
    provider,
    inTransaction: false,
    send: invalid,
    // Twilio's reports are re-fetched (webhooks/process.ts): with unreadable credentials the
    // fetch fails as `auth`, so the verified report is used and the outcome says why.
    ...(provider === 'twilio' ? { fetchStatus: invalid } : {}),
  };
}
