import { z } from 'zod';

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * An org's Twilio credentials, as `arrears provider set twilio FILE` stores them (sealed).
 * `from` is the caller id for calls and the SMS sender when no Messaging Service is given; with
 * `messaging_service_sid` Twilio picks the SMS sender from the service's pool. `api_base_url`
 * only points the SDK at a local contract fake (tests, demos); production leaves it unset.
 * The auth token also verifies Twilio's webhook signatures (webhooks/schemes/twilio.ts).
 */
export const TwilioCredentials = z
  .object({
    account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits'),
    // Never echoed: zod issues name the path and the rule, not the value.
    auth_token: z.string().min(16, 'expected the account auth token'),
    from: z.string().regex(E164, 'expected an E.164 number like +14155550100').optional(),
    messaging_service_sid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'expected MG followed by 32 hex digits')
      .optional(),
    api_base_url: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
  })
  .refine((c) => c.from !== undefined || c.messaging_service_sid !== undefined, {
    message: 'from or messaging_service_sid is required',
    path: ['from'],
  });
export type TwilioCredentials = z.infer<typeof TwilioCredentials>;

/**
 * Parses stored credentials, failing with every problem by path and never with a value: the
 * error may end up in a log or the dead-letter view, and the token must not.
 */
export function parseTwilioCredentials(value: unknown): TwilioCredentials {
  const parsed = TwilioCredentials.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`invalid twilio credentials: ${problems.join('; ')}`);
}
