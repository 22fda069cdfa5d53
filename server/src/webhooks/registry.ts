import { accountingScheme } from './schemes/accounting.ts';
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
    ...extra,
  ];
  return new Map(all.map((entry) => [entry.scheme.id, entry]));
}
