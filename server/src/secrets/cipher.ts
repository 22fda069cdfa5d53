import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';

/**
 * AES-256-GCM for secrets at rest (provider credentials, webhook signing secrets). The key
 * never enters the database: it comes from ARREARS_SECRET_KEY, or in embedded mode from a key
 * file beside the data directory, created on first use with mode 0600.
 */
export interface SecretCipher {
  /** Identifies the key (a hash prefix), stored beside each ciphertext for rotation. */
  keyId: string;
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
}

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

export function cipherFromKey(key: Buffer): SecretCipher {
  if (key.length !== 32) throw new SecretKeyError('ARREARS_SECRET_KEY must be 32 bytes, base64-encoded');
  const keyId = crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
  return {
    keyId,
    encrypt(plaintext) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new SecretKeyError('unreadable sealed secret');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // GCM's tag check: a wrong key or a tampered ciphertext. Never echo either.
        throw new SecretKeyError('a stored secret could not be decrypted (wrong ARREARS_SECRET_KEY, or tampered)');
      }
    },
  };
}

export function parseSecretKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new SecretKeyError('ARREARS_SECRET_KEY must be 32 random bytes, base64-encoded');
  return key;
}

/** Embedded mode: the key lives in `<dataDir>/secret-key`, generated once. */
export function embeddedSecretKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return parseSecretKey(fs.readFileSync(file, 'utf8').trim());
}

/** The cipher for this deployment, or undefined on PostgreSQL without ARREARS_SECRET_KEY. */
export function cipherFor(config: Config): SecretCipher | undefined {
  if (config.secretKey) return cipherFromKey(parseSecretKey(config.secretKey));
  if (config.database.kind === 'embedded') return cipherFromKey(embeddedSecretKey(config.database.dataDir));
  return undefined;
}
