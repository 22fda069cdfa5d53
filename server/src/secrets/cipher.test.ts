import crypto from 'node:crypto';
import { cipherFromKey, SecretKeyError } from './cipher.ts';

test('sealed secrets round-trip, differ every time, and refuse a wrong key or a tampered byte', () => {
  const cipher = cipherFromKey(crypto.randomBytes(32));
  const a = cipher.encrypt('{"auth_token":"s3cret"}');
  const b = cipher.encrypt('{"auth_token":"s3cret"}');
  expect(a).not.toBe(b);
  expect(a).not.toContain('s3cret');
  expect(cipher.decrypt(a)).toBe('{"auth_token":"s3cret"}');
  expect(() => cipherFromKey(crypto.randomBytes(32)).decrypt(a)).toThrow(SecretKeyError);
  const parts = a.split(':');
  const body = Buffer.from(parts[3]!, 'base64');
  body[0] = body[0]! ^ 1;
  expect(() => cipher.decrypt([...parts.slice(0, 3), body.toString('base64')].join(':'))).toThrow(SecretKeyError);
  expect(() => cipherFromKey(Buffer.alloc(16))).toThrow(/32 bytes/);
});
