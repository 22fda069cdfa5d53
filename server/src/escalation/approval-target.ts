import type { Trx } from '../db/database.ts';

/**
 * What an approval decides, on one lease: `ref` names a request id (the draft awaiting approval
 * that the request made), an action id (an effect key: a policy step's own draft), or a hold id
 * (`holdId`, as the hold is stored: a long payment plan waiting for a manager).
 */
export async function approvalTarget(
  trx: Trx,
  orgId: string,
  lease: string,
  ref: string,
  holdId: string = ref,
): Promise<{ key: string; type: string } | undefined> {
  const byRequest = await trx('effects')
    .where({ org_id: orgId, lease_id: lease, request_id: ref, status: 'awaiting_approval' })
    .orderBy('seq')
    .first('key', 'type');
  if (byRequest) return byRequest;
  const byKey = await trx('effects').where({ org_id: orgId, lease_id: lease, key: ref }).first('key', 'type');
  if (byKey) return byKey;
  return trx('effects')
    .where({ org_id: orgId, lease_id: lease, type: 'hold' })
    .whereRaw(`payload->>'hold' = ?`, [holdId])
    .first('key', 'type');
}
