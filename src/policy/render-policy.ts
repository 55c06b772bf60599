import type { Suggestion } from './suggest.js';

/** A name as a pattern segment: `?` stands for the characters a pattern cannot spell (dots, spaces, globs). */
const segment = (name: string) => name.replace(/[.\s*?]/g, '?');

/** A plain YAML scalar where it reads as one, double-quoted otherwise. */
const scalar = (text: string) => (/^[A-Za-z_][\w.?*-]*$/.test(text) ? text : JSON.stringify(text));

const patternOf = (s: Suggestion) =>
  [s.schema, s.table, s.column]
    .filter((p) => p !== undefined)
    .map(segment)
    .join('.');

const flow = (options: Readonly<Record<string, unknown>>) =>
  `{ ${Object.entries(options)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? scalar(v) : String(v)}`)
    .join(', ')} }`;

/** The policy file for a list of suggestions: rules and deny entries, each under a comment saying why. */
export function renderPolicy(suggestions: readonly Suggestion[]): string {
  const rules = suggestions.filter((s) => s.action !== 'deny');
  const deny = suggestions.filter((s) => s.action === 'deny');
  const lines = [
    '# Masking policy suggested by `redb mask suggest` from column names and sampled values.',
    '# Review it before use: a sensitive column the heuristics did not recognise is copied as it is.',
    'version: 1',
    'secret: env:REDB_MASK_SECRET',
    rules.length === 0 ? 'rules: []' : 'rules:',
    ...rules.flatMap((s) => [
      `  # ${s.reason}`,
      `  - match: ${scalar(patternOf(s))}`,
      `    transform: ${s.action}`,
      ...(s.options === undefined ? [] : [`    options: ${flow(s.options)}`]),
    ]),
    deny.length === 0 ? 'deny: []' : 'deny:',
    ...deny.flatMap((s) => [`  # ${s.reason}`, `  - ${scalar(patternOf(s))}`]),
  ];
  return `${lines.join('\n')}\n`;
}
