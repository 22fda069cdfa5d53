import type { Database } from '../db/database.ts';
import { SIM_ORG } from './seed.ts';

/**
 * What a scenario's `approval` event decides: it names a request id (the effect awaiting
 * approval that the request drafted), an action id (an effect key), or a hold id (`holdId`, as
 * the hold is stored).
 */
export async function approvalTarget(
  db: Database,
  lease: string,
  ref: string,
  holdId: string,
): Promise<{ key: string; type: string } | undefined> {
  return db.withOrg(SIM_ORG, async (trx) => {
    const byRequest = await trx('effects')
      .where({ org_id: SIM_ORG, lease_id: lease, request_id: ref, status: 'awaiting_approval' })
      .orderBy('seq')
      .first('key', 'type');
    if (byRequest) return byRequest;
    const byKey = await trx('effects').where({ org_id: SIM_ORG, key: ref }).first('key', 'type');
    if (byKey) return byKey;
    return trx('effects')
      .where({ org_id: SIM_ORG, lease_id: lease, type: 'hold' })
      .whereRaw(`payload->>'hold' = ?`, [holdId])
      .first('key', 'type');
  });
}
