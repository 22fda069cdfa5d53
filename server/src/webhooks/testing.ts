import type { Express } from 'express';
import pino from 'pino';
import type { Database } from '../db/database.ts';
import { createApp } from '../http/app.ts';
import type { TestRunner } from '../runner/testing.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import { webhookRegistry, type RegisteredScheme } from './registry.ts';

/** The public URL webhook tests sign against (Twilio signs the full URL). */
export const WEBHOOK_TEST_URL = 'https://arrears.example.test';

/** The app as webhook tests drive it: the test runner's clock and queue, the ingress switched on. */
export function webhookTestApp(
  db: Database,
  runner: TestRunner,
  cipher: SecretCipher,
  schemes: RegisteredScheme[] = [],
): Express {
  return createApp({
    db,
    clock: runner.clock,
    logger: pino({ level: 'silent' }),
    boss: runner.boss,
    webhooks: { cipher, registry: webhookRegistry(schemes), publicUrl: WEBHOOK_TEST_URL },
  });
}
