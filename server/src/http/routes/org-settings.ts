import { OrgSettingsUpdate, OrgSettingsView } from '@arrears/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { effectiveSettings, updateOrgSettings } from '../../orgs/settings.ts';
import { authOf } from '../auth.ts';
import { parseRequest } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';

// The envelope alone first, so a bad setting is reported by updateOrgSettings in its own words.
const Envelope = z.object({ user_id: OrgSettingsUpdate.shape.user_id, settings: z.unknown() }).strict();

export const orgSettingsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/org/settings',
    summary: "The calling org's settings, defaults filled in",
    auth: true,
    responses: { 200: { description: 'Every setting', schema: OrgSettingsView } },
  },
  {
    method: 'patch',
    path: '/v1/org/settings',
    summary: 'Change settings as a JSON merge patch (null = back to the default); an admin only, audited',
    auth: true,
    body: OrgSettingsUpdate,
    responses: {
      200: { description: 'The settings after the change, and what changed', schema: OrgSettingsView },
      403: { description: 'The user is not an admin of this org' },
    },
  },
];

export function orgSettingsRoutes(db: Database, clock: Clock): Router {
  const router = Router();

  router.get('/v1/org/settings', async (_req, res) => {
    const { orgId } = authOf(res.locals);
    const row = await db.withOrg(orgId, (trx) => trx('orgs').where({ org_id: orgId }).first('settings'));
    res.json(OrgSettingsView.parse({ org_id: orgId, settings: effectiveSettings(row?.settings), changed: {} }));
  });

  router.patch('/v1/org/settings', async (req, res) => {
    const body = parseRequest(Envelope, req.body ?? {}, 'body');
    const userId = body.user_id;
    const { orgId, actor } = authOf(res.locals);
    const result = await db.withOrg(orgId, async (trx) => {
      const user = await trx('users').where({ org_id: orgId, id: userId }).first('role');
      if (!user)
        throw new AppError('invalid_request', `No user "${userId}" in this org`, [
          { path: 'body.user_id', message: 'unknown user' },
        ]);
      if (user.role !== 'admin')
        throw new AppError(
          'forbidden',
          `User "${userId}" is ${user.role === 'agent' ? 'an' : 'a'} ${user.role}; settings are changed by admins`,
        );
      try {
        return await updateOrgSettings(trx, orgId, body.settings ?? {}, `${userId} (via ${actor})`, clock.now());
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid_request')
          throw new AppError(
            'invalid_request',
            `Invalid request body: ${error.message.replaceAll('settings.', 'body.settings.')}`,
            error.details.map((d) => ({ ...d, path: `body.${d.path}` })),
          );
        throw error;
      }
    });
    res.json(OrgSettingsView.parse({ org_id: orgId, ...result }));
  });
  return router;
}
