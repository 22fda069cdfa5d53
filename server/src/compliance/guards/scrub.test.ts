import type { ContactChannel } from '@arrears/shared';
import { attempt } from './fixtures.ts';
import { checkScrub } from './scrub.ts';

const CHANNELS: readonly ContactChannel[] = ['email', 'sms', 'call', 'letter', 'certified_letter'];

test('an active bankruptcy stay blocks every channel', () => {
  for (const channel of CHANNELS)
    expect(checkScrub(attempt({ channel, holds: { bankruptcy: true, deceased: false } }))).toEqual({
      ok: false,
      reason: 'bankruptcy_stay',
      rule: { id: 'US/bankruptcy-stay@1979-10-01', citation: '11 U.S.C. 362(a)', verified: true },
    });
});

test('a deceased tenant blocks every channel, on an unverified rule', () => {
  for (const channel of CHANNELS)
    expect(checkScrub(attempt({ channel, holds: { bankruptcy: false, deceased: true } }))).toEqual({
      ok: false,
      reason: 'deceased',
      rule: { id: 'US/deceased-scrub@2021-11-30', citation: '12 CFR 1006.2(e)', verified: false },
    });
});

test('bankruptcy is reported first; no hold, no block', () => {
  expect(checkScrub(attempt({ holds: { bankruptcy: true, deceased: true } }))).toMatchObject({
    reason: 'bankruptcy_stay',
  });
  expect(checkScrub(attempt())).toEqual({ ok: true });
});
