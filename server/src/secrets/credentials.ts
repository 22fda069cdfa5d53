import type { Trx } from '../db/database.ts';
import type { SecretCipher } from './cipher.ts';

/**
 * Per-org provider credentials and webhook secrets, sealed with AES-256-GCM. Callers get the
 * parsed JSON back; nothing here logs or returns ciphertext.
 */
export async function storeCredentials(
  trx: Trx,
  cipher: SecretCipher,
  orgId: string,
  provider: string,
  value: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await trx('provider_credentials')
    .insert({
      org_id: orgId,
      provider,
      key_id: cipher.keyId,
      ciphertext: cipher.encrypt(JSON.stringify(value)),
      created_at: now,
      updated_at: now,
    })
    .onConflict(['org_id', 'provider'])
    .merge(['key_id', 'ciphertext', 'updated_at']);
}

export async function loadCredentials(
  trx: Trx,
  cipher: SecretCipher,
  orgId: string,
  provider: string,
): Promise<Record<string, unknown> | undefined> {
  const row = await trx('provider_credentials').where({ org_id: orgId, provider }).first('ciphertext');
  return row ? (JSON.parse(cipher.decrypt(row.ciphertext)) as Record<string, unknown>) : undefined;
}
