import { accountingScheme } from './schemes/accounting.ts';
import { sendgridEventsScheme } from './schemes/sendgrid-events.ts';
import { sendgridInboundScheme } from './schemes/sendgrid-inbound.ts';
import { twilioScheme } from './schemes/twilio.ts';
import type { WebhookScheme } from './scheme.ts';

/**
 * Every webhook scheme the ingress accepts, by the path segment it is called on:
 * `POST /webhooks/<scheme>/<org>`. Each names the credentials entry holding its secret.
 */
export interface RegisteredScheme {
  scheme: WebhookScheme;
  /** provider_credentials.provider for this org, and the field holding the verification secret. */
  credentials: { provider: string; field: string };
}

export function webhookRegistry(extra: RegisteredScheme[] = []): Map<string, RegisteredScheme> {
  const all: RegisteredScheme[] = [
    { scheme: accountingScheme, credentials: { provider: 'accounting', field: 'webhook_secret' } },
    // Twilio signs with the account's auth token, the same credential the SMS and voice ports use.
    { scheme: twilioScheme, credentials: { provider: 'twilio', field: 'auth_token' } },
    // SendGrid signs both with ECDSA: the Event Webhook's verification key, and the public key of
    // the security policy attached to the org's Inbound Parse setting.
    { scheme: sendgridEventsScheme, credentials: { provider: 'sendgrid', field: 'event_webhook_public_key' } },
    { scheme: sendgridInboundScheme, credentials: { provider: 'sendgrid', field: 'inbound_parse_public_key' } },
    ...extra,
  ];
  return new Map(all.map((entry) => [entry.scheme.id, entry]));
}
