import { PolicyDocument, type PolicyInput } from '@arrears/shared';
import { BUILTIN_POLICIES, builtinPolicy } from './builtin.ts';
import { diffPolicies } from './diff.ts';
import { policyJsonSchema } from './json-schema.ts';
import { policySummary, validatePolicyText, type PolicyCheck } from './validate.ts';

const base = (): PolicyInput => ({
  id: 'small',
  name: 'Small landlord',
  levels: [
    { id: 'L1', days: { min: 1 }, steps: [{ id: 'late-email', day: 2, action: 'email' }] },
    { id: 'L2', days: { min: 10 }, steps: [{ id: 'agent-call', day: 10, action: 'call' }] },
  ],
});

function problems(input: unknown): PolicyCheck & { ok: false } {
  // JSON is YAML: the same path the CLI takes for either format.
  const check = validatePolicyText(JSON.stringify(input));
  if (check.ok) throw new Error('expected problems');
  return check;
}

describe('validatePolicyText', () => {
  test('a good document, in YAML, with its summary', () => {
    const check = validatePolicyText(
      [
        'id: small',
        'name: Small',
        'levels:',
        '  - id: L1',
        '    days: { min: 1 }',
        '    steps:',
        '      - { id: a, day: 2, action: email }',
        '      - { id: b, day: 3, at: 10:00, action: sms }',
      ].join('\n'),
    );
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(policySummary(check.policy)).toEqual({ levels: 1, steps: 2 });
      expect(check.policy.levels[0]!.steps[1]!.at).toBe('10:00'); // YAML 1.2: not sexagesimal
    }
  });

  test('the built-ins are valid documents', () => {
    for (const policy of BUILTIN_POLICIES.values()) expect(validatePolicyText(JSON.stringify(policy)).ok).toBe(true);
  });

  test('an explicit max reaching into the next level overlaps it', () => {
    const doc = base();
    doc.levels[0]!.days = { min: 1, max: 10 };
    expect(problems(doc).problems).toEqual([
      { path: 'levels[1]', message: 'overlaps level L1 (levels[0]): a lease could be at both' },
    ]);
    doc.levels[0]!.days = { min: 1, max: 9 };
    expect(validatePolicyText(JSON.stringify(doc)).ok).toBe(true);
  });

  test('duplicate step ids, across levels and with reminders', () => {
    const doc = base();
    doc.levels[1]!.steps![0]!.id = 'late-email';
    doc.reminders = [{ id: 'agent-call', days_before_due: 2, channel: 'sms' }];
    expect(problems(doc).problems).toEqual([
      { path: 'levels[1].steps[0].id', message: 'duplicate step id late-email (also levels[0].steps[0])' },
    ]);
    doc.reminders = [{ id: 'late-email', days_before_due: 2, channel: 'sms' }];
    expect(problems(doc).problems.map((p) => p.path)).toEqual(['levels[1].steps[0].id', 'reminders[0].id']);
  });

  test('levels out of order', () => {
    const doc = base();
    doc.levels.reverse();
    expect(problems(doc).problems).toEqual([
      { path: 'levels[1].days.min', message: 'levels must be ordered least severe first by days.min (L1 after L2)' },
    ]);
  });

  test('a notice step must name its notice, and only a notice step may', () => {
    const doc = base();
    doc.levels[1]!.steps = [
      { id: 'n', day: 10, action: 'notice' },
      { id: 'c', day: 10, action: 'call', notice: 'pay_or_quit' },
    ];
    expect(problems(doc).problems).toEqual([
      { path: 'levels[1].steps[0].notice', message: 'a notice step must name its notice' },
      { path: 'levels[1].steps[1].notice', message: 'only a notice step names a notice' },
    ]);
  });

  test('unknown fields are named by their own path', () => {
    const doc = { ...base(), colour: 'red' };
    (doc.levels[0]!.steps![0] as Record<string, unknown>).tempalte = 'rent-late';
    expect(problems(doc).problems).toEqual([
      { path: 'levels[0].steps[0].tempalte', message: 'unknown field' },
      { path: 'colour', message: 'unknown field' },
    ]);
  });

  test('a step day past the explicit days.max of its level is refused; on days.max itself it is fine', () => {
    const doc = base();
    doc.levels[0]!.days = { min: 1, max: 9 };
    doc.levels[0]!.steps = [{ id: 'late-email', day: 15, action: 'email' }];
    expect(problems(doc).problems).toEqual([
      { path: 'levels[0].steps[0].day', message: 'day 15 is after level L1 ends (days.max 9)' },
    ]);
    doc.levels[0]!.steps = [{ id: 'late-email', day: 9, action: 'email' }];
    expect(validatePolicyText(JSON.stringify(doc)).ok).toBe(true);
  });

  test('cross-field problems come in the same run as schema errors, from the parts that parsed', () => {
    const doc = {
      id: '9bad',
      name: 'Broken',
      colour: 'blue',
      levels: [
        {
          id: 'L1',
          days: { min: 10, max: 5 },
          steps: [
            { id: 's1', day: 3, action: 'email' },
            { id: 's3', day: 12, action: 'fax', channels: ['email'] },
          ],
        },
        {
          id: 'L2',
          days: { min: 12, max: 20 },
          steps: [
            { id: 's1', day: 40, action: 'letter', channels: ['email'] },
            { id: 's6', day: 13, action: 'placement', after_notice: 'pay_or_quit', at: '25:00' },
          ],
        },
        { id: 'L2', days: { min: 'soon' }, steps: [{ id: 's6', day: 1, action: 'email' }] },
        { id: 'L4', days: { min: 11 }, steps: [] },
      ],
      reminders: [{ id: 's1', days_before_due: 0, channel: 'email' }],
    };
    expect(problems(doc).problems.map((p) => `${p.path}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        // the schema's
        'id: expected a name of letters, digits, "-" or "_" starting with a letter',
        'levels[0].days: min must not exceed max',
        expect.stringMatching(/^levels\[0\]\.steps\[1\]\.action: /),
        'levels[1].steps[1].at: expected a local time as HH:MM',
        expect.stringMatching(/^levels\[2\]\.days\.min: /),
        expect.stringMatching(/^reminders\[0\]\.days_before_due: /),
        'colour: unknown field',
        // and, in the same answer, the cross-field checks
        'levels[0].steps[0].day: day 3 is before level L1 starts (days.min 10); reminders before the due date go under reminders',
        'levels[1].steps[0].day: day 40 is after level L2 ends (days.max 20)',
        'levels[1].steps[0].channels: only a notice step lists channels',
        'levels[1].steps[0].id: duplicate step id s1 (also levels[0].steps[0])',
        'levels[1].steps[1].after_notice: only a referral waits for a notice',
        'levels[2].id: duplicate level id L2',
        'levels[2].steps[0].id: duplicate step id s6 (also levels[1].steps[1])',
        'levels[3].days.min: levels must be ordered least severe first by days.min (L4 after L2)',
        'reminders[0].id: duplicate step id s1 (also levels[1].steps[0])',
      ]),
    );
    // A field that failed is not guessed at: no "channels" complaint for the unknown action.
    expect(problems(doc).problems.map((p) => p.path)).not.toContain('levels[0].steps[1].channels');
  });

  test('YAML syntax errors carry a line; an empty file is a root problem', () => {
    const syntax = validatePolicyText('id: small\nname: [oops\nlevels: []\n');
    expect(!syntax.ok && syntax.problems[0]!.path).toMatch(/^\(line \d+\)$/);
    const empty = validatePolicyText('');
    expect(!empty.ok && empty.problems[0]!.path).toBe('(root)');
  });
});

test('every built-in version ever shipped stays loadable: a case pinned to @1 keeps @1', () => {
  const v1 = builtinPolicy('default-residential', 1)!;
  const v2 = builtinPolicy('default-residential', 2)!;
  expect(builtinPolicy('default-residential')).toBe(v2);
  expect(BUILTIN_POLICIES.get('default-residential')).toBe(v2);
  expect(builtinPolicy('default-residential', 3)).toBeUndefined();
  expect(builtinPolicy('default-commercial', 1)).toBe(BUILTIN_POLICIES.get('default-commercial'));
  // The only change: the hand-off needs $250 owed.
  expect(diffPolicies(v1, v2)).toEqual([{ op: '+', path: 'levels[L4].balance_cents', to: { min: 25_000 } }]);
});

describe('diffPolicies', () => {
  const parse = (input: PolicyInput) => PolicyDocument.parse(input);
  const residential = BUILTIN_POLICIES.get('default-residential')!;

  test('lists are matched by id: reordering is no change, and version is not content', () => {
    const reordered = structuredClone(residential);
    reordered.version = 7;
    reordered.reminders.reverse();
    for (const level of reordered.levels) level.steps.reverse();
    reordered.levels[2]!.steps.find((s) => s.id === 'pay-or-quit')!.when!.jurisdiction!.reverse(); // [US-FL, US-CA]
    expect(diffPolicies(residential, reordered)).toEqual([]);
  });

  test('a changed step day is exactly one ~', () => {
    const changed = structuredClone(residential);
    changed.levels[1]!.steps.find((s) => s.id === 'agent-call')!.day = 12;
    expect(diffPolicies(residential, changed)).toEqual([
      { op: '~', path: 'levels[L2].steps[agent-call].day', from: 10, to: 12 },
    ]);
  });

  test('added and removed levels, steps and fields; ranges are one value', () => {
    const a = parse(base());
    const next = base();
    next.levels[1]!.days = { min: 10, max: 59 };
    next.levels[1]!.steps!.push({ id: 'letter', day: 14, action: 'letter' });
    next.levels[0]!.steps = [];
    next.levels.push({ id: 'L3', days: { min: 60 } });
    next.late_fees = { post_at: '07:00' };
    next.description = 'now with a letter';
    expect(diffPolicies(a, parse(next))).toEqual([
      { op: '-', path: 'levels[L1].steps[late-email]', from: a.levels[0]!.steps[0] },
      { op: '~', path: 'levels[L2].days', from: { min: 10 }, to: { min: 10, max: 59 } },
      { op: '+', path: 'levels[L2].steps[letter]', to: expect.objectContaining({ id: 'letter', day: 14 }) },
      { op: '+', path: 'levels[L3]', to: { id: 'L3', days: { min: 60 }, steps: [] } },
      { op: '~', path: 'late_fees.post_at', from: '08:00', to: '07:00' },
      { op: '+', path: 'description', to: 'now with a letter' },
    ]);
  });

  test('defaults spelled out equal defaults left out', () => {
    const spelled = base();
    spelled.levels[0]!.steps![0] = { id: 'late-email', day: 2, action: 'email', at: '09:00', catch_up_days: 3 };
    spelled.reminders = [];
    expect(diffPolicies(parse(base()), parse(spelled))).toEqual([]);
  });
});

test('the JSON Schema describes what people write', () => {
  const schema = policyJsonSchema() as {
    $id: string;
    title: string;
    properties: Record<string, unknown>;
    required: string[];
  };
  expect(schema.$id).toBe('urn:arrears:schema:policy');
  expect(schema.title).toBe('Arrears escalation policy');
  expect(schema.properties.levels).toMatchObject({ type: 'array', minItems: 1 });
  // io: 'input': fields with defaults are optional.
  expect(schema.required.sort()).toEqual(['id', 'levels', 'name']);
});
