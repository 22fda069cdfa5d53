import { PolicyDocument } from '@arrears/shared';
import { z } from 'zod';

// A URN, not a URL: there is no hosted copy; editors load the file `arrears policy schema` wrote.
export const POLICY_SCHEMA_ID = 'urn:arrears:schema:policy';

/**
 * The JSON Schema of a policy file, for editors (`# yaml-language-server: $schema=...`).
 * `io: 'input'` describes what a person writes: fields with defaults are optional. Cross-field
 * rules (level order and overlap, duplicate ids, a notice step's notice) are zod refinements
 * that JSON Schema cannot express; `arrears policy validate` checks those.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyDocument, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: schema.$schema,
    $id: POLICY_SCHEMA_ID,
    title: 'Arrears escalation policy',
    description: 'An escalation policy: levels by days past due, the steps each level fires, reminders and late fees.',
    ...schema,
  };
}
