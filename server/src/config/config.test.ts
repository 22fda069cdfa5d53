import { ConfigError, loadConfig } from './config.ts';

test('defaults: embedded PGlite in ./.arrears on 127.0.0.1:3000 with the demo', () => {
  const config = loadConfig({});
  expect(config.database).toEqual({ kind: 'embedded', dataDir: expect.stringMatching(/\.arrears$/) });
  expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
  expect(config.demo.enabled).toBe(true);
});

test('DATABASE_URL selects PostgreSQL', () => {
  expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', ARREARS_DB_SCHEMA: 'arrears' }).database).toEqual({
    kind: 'postgres',
    url: 'postgres://u@h:5432/db',
    poolMax: 10,
    schema: 'arrears',
  });
});

test('every problem is listed at once, by variable, with the value (passwords hidden)', () => {
  let error: unknown;
  try {
    loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://root:hunter2@db/x', LOG_LEVEL: 'loud', ARREARS_DEMO: 'maybe' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as Error).message;
  expect(message).toBe(
    [
      'Invalid configuration:',
      '  - DATABASE_URL: expected a postgres:// or postgresql:// URL (got "mysql://root:***@db/x")',
      '  - PORT: expected a port number (got "eighty")',
      '  - LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent" (got "loud")',
      '  - ARREARS_DEMO: expected one of 1, 0, true, false, yes, no (got "maybe")',
    ].join('\n'),
  );
  expect(message).not.toContain('hunter2');
});

test('empty variables count as unset', () => {
  expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.kind).toBe('embedded');
});

test('a malformed secret key is reported without echoing it', () => {
  expect(() => loadConfig({ ARREARS_SECRET_KEY: 'too-short-secret' })).toThrow(
    /ARREARS_SECRET_KEY: expected 32 random bytes/,
  );
  try {
    loadConfig({ ARREARS_SECRET_KEY: 'too-short-secret' });
  } catch (error) {
    expect((error as Error).message).not.toContain('too-short-secret');
  }
  const key = Buffer.alloc(32, 7).toString('base64');
  expect(loadConfig({ ARREARS_SECRET_KEY: key }).secretKey).toBe(key);
});

test('the public URL is kept without a trailing slash: providers sign the URL they call', () => {
  expect(loadConfig({ ARREARS_PUBLIC_URL: 'https://arrears.example.com/' }).http.publicUrl).toBe(
    'https://arrears.example.com',
  );
  expect(loadConfig({ ARREARS_PUBLIC_URL: 'https://example.com/arrears//' }).http.publicUrl).toBe(
    'https://example.com/arrears',
  );
});
