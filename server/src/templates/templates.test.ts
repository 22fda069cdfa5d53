import type { KnownEffect, LeaseFacts } from '../engine/facts.ts';
import { BUILTIN_VERSIONS } from '../policy/builtin.ts';
import { NOTICE_RULES, noticeOfDefaultRule } from '../compliance/rules/notices.ts';
import { CATALOGS, PLACEHOLDERS } from './catalog.ts';
import { longDate, money } from './format.ts';
import { languageOf, LANGUAGES } from './language.ts';
import { renderContact, type Addressee } from './render.ts';

/** Templates the engine and runner name in code, beside the policies' and rule packs'. */
const TENANT_FACING_IN_CODE = ['partial-payment-receipt', 'opt-out-confirmation'];
const INTERNAL = ['tenant-asked-for-help', 'tenant-replied', 'delivery-failed', 'manual-flag', 'tenant-at-risk'];

function namedTemplates(): { tenant: Set<string>; internal: Set<string> } {
  const tenant = new Set(TENANT_FACING_IN_CODE);
  const internal = new Set(INTERNAL);
  for (const policy of BUILTIN_VERSIONS) {
    for (const reminder of policy.reminders) if (reminder.template) tenant.add(reminder.template);
    for (const level of policy.levels)
      for (const step of level.steps) {
        if (!step.template) continue;
        (['task', 'crm_update', 'placement'].includes(step.action) ? internal : tenant).add(step.template);
      }
  }
  for (const rules of Object.values(NOTICE_RULES)) for (const rule of rules) tenant.add(rule.params.template);
  tenant.add(noticeOfDefaultRule(10).params.template);
  return { tenant, internal };
}

test('every template a built-in policy, rule pack or the runner names has words in every language', () => {
  const { tenant, internal } = namedTemplates();
  expect(tenant.size).toBeGreaterThan(15);
  for (const language of LANGUAGES)
    for (const id of tenant)
      expect([language, id, Boolean(CATALOGS[language].messages[id])]).toEqual([language, id, true]);
  for (const id of internal) expect([id, Boolean(CATALOGS.en.messages[id])]).toEqual([id, true]);
});

test('every language has the same tenant-facing messages and phrases, with only known placeholders', () => {
  // Spanish lacks exactly the internal records (tasks and CRM flags, for English-speaking staff).
  const internalOnly = Object.keys(CATALOGS.en.messages).filter((id) => !CATALOGS.es.messages[id]);
  const expected = new Set([
    ...namedTemplates().internal,
    'confirm-delivery',
    'hold-flag',
    'return-partial-payment',
    'fee-cap-exceeded',
    '@task',
    '@crm_update',
  ]);
  expect(internalOnly.sort()).toEqual([...expected].sort());
  expect(Object.keys(CATALOGS.es.messages).every((id) => CATALOGS.en.messages[id])).toBe(true);
  expect(Object.keys(CATALOGS.es.phrases).sort()).toEqual(Object.keys(CATALOGS.en.phrases).sort());
  for (const language of LANGUAGES) {
    const { phrases, messages } = CATALOGS[language];
    const texts = [...Object.values(phrases), ...Object.values(messages).flatMap((m) => Object.values(m))];
    for (const text of texts)
      for (const [, name] of String(text).matchAll(/\{([^}]*)\}/g))
        expect([text.slice(0, 40), (PLACEHOLDERS as readonly string[]).includes(name!)]).toEqual([
          text.slice(0, 40),
          true,
        ]);
  }
  // A call's voicemail is the limited-content message: no amount, no debt, no balance.
  for (const language of LANGUAGES)
    for (const message of Object.values(CATALOGS[language].messages))
      if (message.voicemail) expect(message.voicemail).not.toMatch(/balance|saldo|debt|deuda|\{balance\}|\{rent\}/i);
});

test('languages are read from the tenant tag, falling back to English and saying so', () => {
  expect(languageOf('es')).toEqual({ language: 'es', fallback: false });
  expect(languageOf('es-MX')).toEqual({ language: 'es', fallback: false });
  expect(languageOf('EN_us')).toEqual({ language: 'en', fallback: false });
  expect(languageOf('fr')).toEqual({ language: 'en', fallback: true });
  expect(languageOf(undefined)).toEqual({ language: 'en', fallback: false });
});

test('money and dates in words', () => {
  expect(money(215_000)).toBe('$2,150.00');
  expect(money(5)).toBe('$0.05');
  expect(money(123_456_789)).toBe('$1,234,567.89');
  expect(longDate('2026-03-01', 'en')).toBe('March 1, 2026');
  expect(longDate('2026-03-01', 'es')).toBe('1 de marzo de 2026');
  // A calendar day never moves with the machine's zone.
  expect(longDate('2026-12-31', 'en')).toBe('December 31, 2026');
});

/** The org's payment page as facts carry it (escalation/facts.ts filled `{org_id}` in). */
const PAY = 'https://pay.test/{lease_id}';

const facts = (overrides: Partial<LeaseFacts['lease']> = {}, paymentUrl: string | null = PAY): LeaseFacts =>
  ({
    org: {
      reg_f_for_all: false,
      fee_review: false,
      partial_payment_after_notice: 'accept_with_receipt',
      name: 'Acme Homes',
      payment_url: paymentUrl,
    },
    property: {
      id: 'P1',
      name: 'Maple Court',
      jurisdiction: 'US-CA',
      timezone: 'America/Los_Angeles',
      units: 12,
      cares_covered: false,
      late_fee: null,
    },
    lease: {
      id: 'L1',
      kind: 'residential',
      rent_cents: 200_000,
      due_day: 1,
      grace_days: 5,
      late_fee: null,
      collector: 'first_party',
      segment: null,
      cure_days: null,
      autopay: false,
      status: 'active',
      moved_out_on: null,
      ...overrides,
    },
    tenants: [{ id: 'T1', type: 'individual', role: 'primary' }],
    today: '2026-03-27',
    open_charges: [
      { external_id: 'R-03', charge_type: 'rent', due_on: '2026-03-01', amount_cents: 200_000, open_cents: 200_000 },
    ],
    credits: [],
    balance_cents: 207_500,
    unapplied_credit_cents: 0,
    holds: [],
    contact: {
      phone_timezone: null,
      consents: { email: true, sms: true, voice: true },
      revoked: [],
      call_attempts: [],
      conversations: [],
      opt_out_confirmations: 0,
    },
  }) as LeaseFacts;

const effect = (type: string, payload: Record<string, unknown>): KnownEffect =>
  ({
    key: `L1:${type}`,
    type,
    status: 'scheduled',
    step_id: null,
    anchor_due_on: null,
    payload,
  }) as unknown as KnownEffect;

const render = (
  type: string,
  payload: Record<string, unknown>,
  recipients: Addressee[] = [{ name: 'Ana Ruiz', language: 'en' }],
  paymentUrl: string | null = PAY,
) => renderContact({ effect: effect(type, payload), facts: facts({}, paymentUrl), recipients });

test('an email in the tenant language: greeting, amounts, link, opt-out, and a hash of what they read', () => {
  const en = render('email', { template: 'rent-late' });
  expect(en.subject).toBe('Your rent is past due: balance $2,075.00');
  expect(en.body).toContain('Dear Ana Ruiz,');
  expect(en.body).toContain('was due on March 1, 2026, 26 days ago');
  expect(en.body).toContain('Pay online: https://pay.test/L1');
  expect(en.body).toContain('reply STOP');
  const es = render('email', { template: 'rent-late' }, [{ name: 'Ana Ruiz', language: 'es-MX' }]);
  expect(es.language).toBe('es');
  expect(es.subject).toBe('Su renta está vencida: saldo $2,075.00');
  expect(es.body).toContain('venció el 1 de marzo de 2026, hace 26 días');
  expect(es.body).toContain('Pague en línea: https://pay.test/L1');
  expect(es.content_sha256).not.toBe(en.content_sha256);
  const fr = render('email', { template: 'rent-late' }, [{ name: 'Ana Ruiz', language: 'fr' }]);
  expect(fr).toMatchObject({ language: 'en', language_requested: 'fr', body: en.body });
});

test('texts carry the link and opt-out; the opt-out confirmation carries neither', () => {
  const sms = render('sms', { template: 'rent-late-short' }, [{ name: 'Ana', language: 'es' }]);
  expect(sms.body).toBe(
    'Acme Homes: su renta tiene 26 días de atraso, saldo $2,075.00. ¿Necesita ayuda? Responda AYUDA. Pague en línea: https://pay.test/L1 Responda STOP o BAJA para no recibir más mensajes.',
  );
  const confirmation = render('sms', { template: 'opt-out-confirmation', purpose: 'opt_out_confirmation' });
  expect(confirmation.body).not.toMatch(/https|STOP/);
});

test('a call leaves a limited-content voicemail; an unknown template falls back to the channel wording', () => {
  const call = render('call', { template: 'collections-call' });
  expect(call.body).toContain('Your balance of $2,075.00 is 26 days past due');
  expect(call.voicemail).toBe(
    'This is a message for Ana Ruiz from Acme Homes. Please call us back at your earliest convenience. Thank you.',
  );
  const custom = render('letter', { template: 'our-own-letter' });
  expect(custom.subject).toBe('Your account, lease L1');
  expect(custom.body).toContain('Your balance for Maple Court (lease L1) is $2,075.00.');
  expect(custom.body).not.toMatch(/\{[a-z_]+\}/);
});

test('a legal notice: English first, the translation after it, the demanded amount, deadline and citation', () => {
  const payload = {
    template: 'ca-pay-or-quit-2019',
    notice: 'pay_or_quit',
    amount_demanded_cents: 200_000,
    expires_on: '2026-04-02',
    rule: { id: 'US-CA/pay-or-quit@2019-01-01', citation: 'Cal. Code Civ. Proc. 1161(2)', verified: true },
  };
  const notice = render('notice', payload, [
    { name: 'Ana Ruiz', language: 'es' },
    { name: 'Luis Ruiz', language: 'es' },
  ]);
  expect(notice.language).toBe('es');
  const [english, spanish] = notice.body.split('Traducción al español:');
  expect(english).toContain('NOTICE TO PAY RENT OR QUIT');
  expect(english).toContain('To Ana Ruiz, Luis Ruiz, and all others in possession of the premises at Maple Court');
  expect(english).toContain('in the amount of $2,000.00');
  expect(english).toContain('on or before April 2, 2026');
  expect(english).toContain('(Cal. Code Civ. Proc. 1161(2))');
  expect(english).not.toContain('$2,075.00');
  expect(spanish).toContain('a más tardar el 2 de abril de 2026');
  // The translation's title once, not twice.
  expect(spanish!.match(/AVISO DE PAGAR LA RENTA O DESALOJAR/g)).toHaveLength(1);
  const inEnglish = render('notice', payload);
  expect(inEnglish.body).not.toContain('Traducción');
});

test('every template renders in every language, with or without a payment page, with nothing left unfilled', () => {
  const payload = {
    amount_demanded_cents: 200_000,
    expires_on: '2026-04-02',
    amount_cents: 90_000,
    balance_after_cents: 110_000,
    due_on: '2026-04-01',
    body: 'I need help',
    channel: 'letter',
  };
  for (const paymentUrl of [PAY, null])
    for (const language of LANGUAGES)
      for (const id of Object.keys(CATALOGS[language].messages)) {
        const type =
          id.startsWith('@notice') || /notice|demand-|rent-not/.test(id)
            ? 'notice'
            : id.startsWith('@')
              ? id.slice(1)
              : 'email';
        const out = render(
          type,
          { ...payload, template: id, notice: id.split(':')[1] },
          [{ name: 'Ana', language }],
          paymentUrl,
        );
        expect([id, out.body.match(/\{[a-z_]+\}/)?.[0] ?? null, out.subject.match(/\{[a-z_]+\}/)?.[0] ?? null]).toEqual(
          [id, null, null],
        );
      }
});

test("a fallback after a failed delivery is written in its own channel's words", () => {
  const letter = render('letter', { template: 'rent-late', fallback_for: 'L1:late-email:2026-03-01' });
  expect(letter.template).toBe('@letter');
  expect(letter.body).not.toContain('reply to this email');
  expect(letter.body).toContain('Your balance for Maple Court (lease L1) is $2,075.00.');
});

const NOTICE = {
  template: 'ca-pay-or-quit-2019',
  notice: 'pay_or_quit',
  amount_demanded_cents: 200_000,
  expires_on: '2026-04-02',
  rule: { id: 'US-CA/pay-or-quit@2019-01-01', citation: 'Cal. Code Civ. Proc. 1161(2)', verified: true },
};
const TENANT_FACING: [string, Record<string, unknown>][] = [
  ['email', { template: 'rent-late' }],
  ['sms', { template: 'rent-late-short' }],
  ['letter', { template: 'demand-letter' }],
  ['receipt', { template: 'partial-payment-receipt', amount_cents: 90_000, balance_after_cents: 110_000 }],
  ['notice', NOTICE],
  ['call', { template: 'collections-call' }],
];

test('an org without a payment page: no link, no "Pay online", nothing undefined, in every language', () => {
  for (const language of LANGUAGES)
    for (const [type, payload] of TENANT_FACING) {
      const out = render(type, payload, [{ name: 'Ana Ruiz', language }], null);
      const text = [out.subject, out.body, out.voicemail ?? ''].join('\n');
      expect([language, type, text]).toEqual([language, type, expect.not.stringMatching(/https?:|\{|undefined|null/)]);
      expect([language, type, text]).toEqual([
        language,
        type,
        expect.not.stringMatching(/Pay online|Pay lease|Pague en línea|Pagar el contrato|link|enlace/i),
      ]);
      // No empty paragraph where the link was.
      expect([language, type, out.body]).toEqual([language, type, expect.not.stringMatching(/\n\n\n/)]);
    }
  expect(render('email', { template: 'rent-late' }, undefined, null).body).toMatch(
    /a payment plan\.\n\nSincerely,\nAcme Homes\n\nTo stop receiving/,
  );
  expect(render('sms', { template: 'rent-late-short' }, [{ name: 'Ana', language: 'es' }], null).body).toBe(
    'Acme Homes: su renta tiene 26 días de atraso, saldo $2,075.00. ¿Necesita ayuda? Responda AYUDA. Responda STOP o BAJA para no recibir más mensajes.',
  );
  expect(render('call', { template: 'collections-call' }, undefined, null).body).toContain(
    'You can pay the usual way, or tell us now',
  );
  expect(render('call', { template: 'collections-call' }, [{ name: 'Ana', language: 'es' }], null).body).toContain(
    'Puede pagar como de costumbre, o díganos ahora',
  );
  // The text differs, so does its hash.
  expect(render('email', { template: 'rent-late' }, undefined, null).content_sha256).not.toBe(
    render('email', { template: 'rent-late' }).content_sha256,
  );
});

test("with the org's payment page: its URL with the lease id encoded, in every language and channel", () => {
  const url = 'https://portal.example.com/acme/pay?lease={lease_id}';
  const odd = (type: string, payload: Record<string, unknown>, language: string) =>
    renderContact({
      effect: effect(type, payload),
      facts: facts({ id: 'B 4/12' }, url),
      recipients: [{ name: 'Ana', language }],
    });
  const link = 'https://portal.example.com/acme/pay?lease=B%204%2F12';
  for (const [type, payload] of TENANT_FACING.filter(([type]) => type !== 'call')) {
    expect(odd(type, payload, 'en').body).toContain(`Pay online: ${link}`);
    expect(odd(type, payload, 'es').body).toContain(`Pague en línea: ${link}`);
  }
  // A notice's English text and its translation both say where to pay.
  expect(odd('notice', NOTICE, 'es').body.split(link)).toHaveLength(3);
  expect(odd('call', { template: 'collections-call' }, 'en').body).toContain('You can pay at the link we sent you');
  expect(odd('call', { template: 'collections-call' }, 'es').body).toContain(
    'Puede pagar en el enlace que le enviamos',
  );
});

test("a consolidated reminder: each lease's link with a payment page, each lease's balance without one", () => {
  const other = { effect: effect('email', { template: 'rent-reminder' }), facts: facts({ id: 'G7' }) };
  const withLinks = renderContact({
    effect: effect('email', { template: 'rent-reminder' }),
    facts: facts(),
    recipients: [{ name: 'Ana', language: 'en' }],
    others: [other],
  });
  expect(withLinks.body).toContain('Lease G7: balance $2,075.00.');
  expect(withLinks.body).toContain('Pay online: https://pay.test/L1\nPay lease G7: https://pay.test/G7');
  const noPage = (language: string) =>
    renderContact({
      effect: effect('sms', { template: 'rent-reminder-short' }),
      facts: facts({}, null),
      recipients: [{ name: 'Ana', language }],
      others: [{ ...other, facts: facts({ id: 'G7' }, null) }],
    }).body;
  expect(noPage('en')).toContain('Lease L1: balance $2,075.00. Lease G7: balance $2,075.00. Total for your 2 leases');
  expect(noPage('es')).toContain('Contrato G7: saldo $2,075.00. Total de sus 2 contratos');
  for (const language of LANGUAGES) expect(noPage(language)).not.toMatch(/https|Pay|Pag(ue|ar)|undefined|null|\{/);
});
