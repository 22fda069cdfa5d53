import { readFile } from 'node:fs/promises';
import { PolicyDocument } from '@arrears/shared';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { issuePath } from '../ledger/validate.ts';

export interface PolicyProblem {
  /** `levels[1].days.min`, `(root)`, `(line 3)` for YAML syntax, `(file)` when unreadable. */
  path: string;
  message: string;
}

export type PolicyCheck = { ok: true; policy: PolicyDocument } | { ok: false; problems: PolicyProblem[] };

/** Reads a policy file (YAML or JSON: JSON is YAML) and lists every problem the schema finds. */
export async function validatePolicyFile(file: string): Promise<PolicyCheck> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ path: '(file)', message: (error as Error).message }] };
  }
  return validatePolicyText(text);
}

export function validatePolicyText(text: string): PolicyCheck {
  // Without prettyErrors, yaml leaves linePos unset; the counter turns offsets into lines.
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        path: `(line ${lines.linePos(e.pos[0]).line})`,
        message: e.message.split('\n')[0]!,
      })),
    };
  const parsed = PolicyDocument.safeParse(doc.toJS());
  if (parsed.success) return { ok: true, policy: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap(toProblems) };
}

/**
 * zod reports unknown keys once, on the object that holds them; a path ending in the key
 * itself is what an editor can jump to, and a typo'd field is the usual cause.
 */
function toProblems(issue: z.core.$ZodIssue): PolicyProblem[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ path: issuePath([...issue.path, key]), message: 'unknown field' }));
  return [{ path: issuePath(issue.path), message: issue.message }];
}

export function policySummary(policy: PolicyDocument): { levels: number; steps: number } {
  return { levels: policy.levels.length, steps: policy.levels.reduce((n, level) => n + level.steps.length, 0) };
}
