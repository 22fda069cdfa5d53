import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { requireApiKey } from './auth.ts';
import { jsonBody } from './body.ts';
import { errorHandler } from './errors.ts';
import { requestLog } from './logger.ts';
import { buildOpenApi, type RouteDoc } from './openapi.ts';
import { actionDocs, actionRoutes } from './routes/actions.ts';
import { healthDocs, healthRoutes } from './routes/health.ts';
import { leaseDocs, leaseRoutes } from './routes/leases.ts';
import { cardDocs, cardRoutes } from './routes/card.ts';
import { ledgerDocs, ledgerRoutes } from './routes/ledger.ts';
import { orgSettingsDocs, orgSettingsRoutes } from './routes/org-settings.ts';
import { outboxDocs, outboxRoutes } from './routes/outbox.ts';
import { triggerDocs, triggerRoutes } from './routes/triggers.ts';
import type { PgBoss } from 'pg-boss';
import { webhookIngress, type IngressDeps } from '../webhooks/ingress.ts';

export const API_VERSION = '0.1.0';
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...healthDocs,
  ...leaseDocs,
  ...cardDocs,
  ...ledgerDocs,
  ...triggerDocs,
  ...actionDocs,
  ...outboxDocs,
  ...orgSettingsDocs,
];

export interface AppDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** The job queue, when this process has one (dead-letter view, webhook enqueue). */
  boss?: PgBoss;
  /** Webhook ingress (`POST /webhooks/<scheme>/<org>`); mounted before the JSON parser. */
  webhooks?: Omit<IngressDeps, 'db' | 'clock' | 'logger'>;
}

export function createApp({ db, clock, logger, boss, webhooks }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(logger));
  if (webhooks) app.use(webhookIngress({ db, clock, logger, ...webhooks }));
  // 10,000 events of a few hundred bytes each fit comfortably.
  app.use(jsonBody('16mb'));

  app.use(healthRoutes(db));
  const openapi = buildOpenApi(ROUTE_DOCS, API_VERSION);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  app.use('/v1', requireApiKey(db));
  app.use(leaseRoutes(db, clock));
  app.use(cardRoutes(db, clock));
  app.use(ledgerRoutes(db, clock));
  app.use(triggerRoutes(db, clock));
  app.use(actionRoutes(db, clock));
  app.use(outboxRoutes(db, boss));
  app.use(orgSettingsRoutes(db, clock));

  app.use((req) => {
    throw new AppError('not_found', `No route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler(logger));
  return app;
}
