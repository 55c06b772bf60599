import { readFile } from 'node:fs/promises';
import { load as parseYaml, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { errors } from '../errors.js';
import { PolicyInput, TRANSFORMS, type Rule } from './policy-schema.js';
import { lineOf, yamlLines } from './yaml-lines.js';

/** A rule as parsed, with the line it was written on (for errors found later, against a live schema). */
export type PolicyRule = Rule & { readonly line: number };

/** A `deny` entry: a whole table (`table`, `{ table: schema.table }`) or a column pattern. */
export interface DenyEntry {
  readonly kind: 'table' | 'column';
  readonly pattern: string;
  readonly line: number;
}

/** A parsed, validated policy. */
export interface MaskPolicy {
  /** Where it came from, for messages. */
  readonly source: string;
  readonly secret?: string | undefined;
  /** New columns with no rule pause a replicated table (see policy-schema.ts). */
  readonly strict?: boolean | undefined;
  readonly rules: readonly PolicyRule[];
  readonly deny: readonly DenyEntry[];
}

function describe(issue: z.core.$ZodIssue): { path: PropertyKey[]; detail: string } {
  if (issue.code === 'unrecognized_keys') return { path: [...issue.path, issue.keys[0] ?? ''], detail: 'unknown field' };
  if (issue.message === 'unknown transform') return { path: issue.path, detail: `unknown transform; one of: ${TRANSFORMS.join(', ')}` };
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return { path: issue.path, detail: 'required' };
  return { path: issue.path, detail: issue.message };
}

/** Parse YAML text; errors are RedbError REDB_POLICY_INVALID naming the source, line and field. */
export function parsePolicy(text: string, source: string): MaskPolicy {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : parseYaml(text, { filename: source });
  } catch (e) {
    const line = e instanceof YAMLException && e.mark !== undefined ? e.mark.line + 1 : 0;
    throw errors.policyInvalid(source, line, '', `not valid YAML: ${e instanceof YAMLException ? e.reason : String(e)}`).because(e);
  }
  const parsed = PolicyInput.safeParse(raw ?? {});
  const lines = yamlLines(text);
  if (!parsed.success) {
    const { path, detail } = describe(parsed.error.issues[0] as z.core.$ZodIssue);
    throw errors.policyInvalid(source, lineOf(lines, path), path.map(String).join('.'), detail);
  }
  const { secret, strict, rules, deny } = parsed.data;
  return {
    source,
    secret,
    ...(strict === undefined ? {} : { strict }),
    rules: rules.map((rule, i) => ({ ...rule, line: lineOf(lines, ['rules', i]) })),
    deny: deny.map((entry, i) => {
      const line = lineOf(lines, ['deny', i]);
      if (typeof entry !== 'string') return { kind: 'table', pattern: entry.table, line };
      return { kind: entry.includes('.') ? 'column' : 'table', pattern: entry, line };
    }),
  };
}

export async function loadPolicy(path: string): Promise<MaskPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw errors.policyInvalid(path, 0, '', `cannot read it: ${(e as NodeJS.ErrnoException).code ?? String(e)}`).because(e);
  }
  return parsePolicy(text, path);
}
