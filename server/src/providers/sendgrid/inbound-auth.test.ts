import { aligned, authenticateSender, dkimResults, domainOf, spfResult } from './inbound-auth.ts';

// SendGrid's `dkim` and `SPF` Inbound Parse fields as posted (`{@domain : result}`, several
// comma-separated; a bare SPF word), and what they vouch for: the From domain only when aligned.

test('the dkim field: every @domain : result pair, lower-cased; anything else yields none', () => {
  expect(dkimResults('{@gmail.com : pass}')).toEqual([{ domain: 'gmail.com', result: 'pass' }]);
  expect(dkimResults('{@Tenant.TEST : pass, @sendgrid.info : fail}')).toEqual([
    { domain: 'tenant.test', result: 'pass' },
    { domain: 'sendgrid.info', result: 'fail' },
  ]);
  expect(dkimResults('{"@tenant.test": "pass"}')).toEqual([{ domain: 'tenant.test', result: 'pass' }]);
  for (const none of [undefined, '', '{}', 'none', 'pass'] as const) expect(dkimResults(none)).toEqual([]);
});

test('the SPF field: its first word, lower-cased; none when absent', () => {
  expect(spfResult('pass')).toBe('pass');
  expect(spfResult(' SoftFail (domain of x does not designate ...)')).toBe('softfail');
  expect(spfResult(undefined)).toBe('none');
  expect(spfResult('')).toBe('none');
});

test('domains and relaxed alignment', () => {
  expect(domainOf('"Tenant" T1@Tenant.Test.')).toBe('tenant.test');
  expect(domainOf('no-at-sign.test')).toBeUndefined();
  expect(domainOf('x@localhost')).toBeUndefined();
  expect(aligned('tenant.test', 'tenant.test')).toBe(true);
  expect(aligned('mail.tenant.test', 'tenant.test')).toBe(true);
  expect(aligned('tenant.test', 'em123.tenant.test')).toBe(true);
  expect(aligned('eviltenant.test', 'tenant.test')).toBe(false);
  expect(aligned('tenant.test.evil.test', 'tenant.test')).toBe(false);
});

test('verified by an aligned DKIM pass or an aligned SPF pass, never by a verdict for another domain', () => {
  const from = 't1@tenant.test';
  expect(authenticateSender(from, 't1@tenant.test', { spf: 'pass' })).toEqual({
    verified: true,
    check: 'from tenant.test: spf=pass (tenant.test), dkim=none',
  });
  expect(authenticateSender(from, 'bounce@evil.test', { spf: 'fail', dkim: '{@tenant.test : pass}' }).verified).toBe(
    true,
  );
  expect(authenticateSender(from, 'bounce@evil.test', { spf: 'pass', dkim: '{@evil.test : pass}' })).toEqual({
    verified: false,
    check: 'from tenant.test: spf=pass (evil.test), dkim=pass (evil.test)',
  });
  // An SPF pass with no envelope sender names no domain: it vouches for nothing.
  expect(authenticateSender(from, undefined, { spf: 'pass' }).verified).toBe(false);
  expect(authenticateSender(from, from, { spf: 'softfail', dkim: '{@tenant.test : fail}' }).verified).toBe(false);
  expect(authenticateSender(from, from, {}).verified).toBe(false);
  expect(authenticateSender('not an address', from, { spf: 'pass' }).verified).toBe(false);
});
