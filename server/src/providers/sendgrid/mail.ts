import crypto from 'node:crypto';
import { Client } from '@sendgrid/client';
import { MailService, type MailDataRequired } from '@sendgrid/mail';
import type { Delivery, EmailMessage, OutboundPort } from '../../ports/index.ts';
import { ProviderError } from '../../ports/index.ts';
import type { SendgridCredentials } from './credentials.ts';
import { sendgridFailure } from './errors.ts';

export interface SendgridPortOptions {
  orgId: string;
  /** Arrears' public base URL: where this org's SendGrid webhooks are to be pointed. */
  publicUrl: string;
  /** Per-request timeout; a call that outlives it has an unknown outcome (never resent blindly). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Where SendGrid is to call this org back: the Event Webhook URL and the Inbound Parse destination. */
export function sendgridWebhookUrls(publicUrl: string, orgId: string): { events: string; inbound: string } {
  const base = publicUrl.replace(/\/+$/, '');
  const org = encodeURIComponent(orgId);
  return { events: `${base}/webhooks/sendgrid/${org}`, inbound: `${base}/webhooks/sendgrid-inbound/${org}` };
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * The v3 Mail Send body for one message, in the SDK's (camelCase) form; the SDK turns it into
 * SendGrid's JSON. One personalization per recipient, so co-tenants and guarantors never see
 * each other's addresses (a collection email must not disclose the debt to a third party).
 * A template name mapped to a dynamic template id sends `template_id` + `dynamic_template_data`
 * (SendGrid renders the subject and body from the template); otherwise subject + text/plain.
 */
export function mailData(credentials: SendgridCredentials, message: EmailMessage): MailDataRequired {
  const templateId = message.template ? credentials.templates?.[message.template.id] : undefined;
  // SendGrid refuses an address that appears twice in one request (two co-tenants sharing one).
  const seen = new Set<string>();
  const recipients = message.to.filter((r) => !seen.has(r.email.toLowerCase()) && seen.add(r.email.toLowerCase()));
  const common = {
    from: credentials.from,
    ...(credentials.reply_to ? { replyTo: credentials.reply_to } : {}),
    // Echoed on every event of this message: a bounce finds its effect without a lookup table.
    // SendGrid stores these as non-PII, so they hold only our ids, never names or addresses.
    customArgs: { effect_key: message.custom_args.effect_key, org_id: message.custom_args.org_id },
    // Else the SDK prints a console warning per send whenever template data holds a quote or an
    // ampersand (a tenant's name): SendGrid escapes {{double-brace}} values, which is what we want.
    hideWarnings: true,
  };
  if (templateId) {
    const data = message.template!.data;
    const balance = typeof data.balance_cents === 'number' ? usd.format(data.balance_cents / 100) : undefined;
    return {
      ...common,
      templateId,
      personalizations: recipients.map((r) => ({
        to: [r.name ? { email: r.email, name: r.name } : { email: r.email }],
        dynamicTemplateData: {
          ...data,
          subject: message.subject,
          ...(balance ? { balance } : {}),
          ...(r.name ? { recipient_name: r.name } : {}),
        },
      })),
    } as MailDataRequired;
  }
  return {
    ...common,
    subject: message.subject,
    content: [{ type: 'text/plain', value: message.text }],
    personalizations: recipients.map((r) => ({ to: [r.name ? { email: r.email, name: r.name } : { email: r.email }] })),
  } as MailDataRequired;
}

/**
 * The email port on SendGrid's v3 Mail Send, through the official SDK. Each org gets its own
 * MailService and Client (never the SDK's module-level singleton): orgs send with their own keys,
 * and a key set on a shared instance would leak into another org's request.
 */
export function sendgridPorts(
  credentials: SendgridCredentials,
  options: SendgridPortOptions,
): { email: OutboundPort<EmailMessage> } {
  const client = new Client();
  client.setApiKey(credentials.api_key);
  // After setApiKey, which resets baseUrl to the region's host.
  if (credentials.api_base_url) client.setDefaultRequest('baseUrl', credentials.api_base_url);
  const mail = new MailService();
  mail.setClient(client);
  mail.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  const email: OutboundPort<EmailMessage> = {
    channel: 'email',
    provider: 'sendgrid',
    inTransaction: false,
    async send(message, context): Promise<Delivery> {
      if (message.org_id !== options.orgId || message.custom_args.org_id !== options.orgId)
        // A wiring bug, not the tenant's fault: stop and alert rather than send on another org's account.
        throw new ProviderError(
          'sendgrid',
          'auth',
          `message for org ${message.org_id} refused by ${options.orgId}'s port`,
        );
      if (message.to.length === 0)
        throw new ProviderError('sendgrid', 'invalid_recipient', 'no recipient has an email address');
      let response;
      try {
        [response] = await mail.send(mailData(credentials, message));
      } catch (error) {
        throw sendgridFailure(error, context.now);
      }
      const headers = response.headers as Record<string, unknown>;
      const id = typeof headers['x-message-id'] === 'string' ? headers['x-message-id'] : undefined;
      return {
        provider: 'sendgrid',
        // SendGrid always sends X-Message-Id with its 202; should it ever not, the message is
        // still accepted (never resend it), and events find the effect by its custom arg.
        provider_message_id:
          id ??
          `sg-${crypto.createHash('sha256').update(`${message.org_id}\0${message.key}`).digest('hex').slice(0, 24)}`,
        status: 'accepted',
      };
    },
  };
  return { email };
}
