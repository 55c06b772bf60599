import { digitsOf, luhnValid } from './char-permutation.js';
import { Keyed } from './keyed.js';
import type { MaskColumn, MaskTable } from './mask-types.js';
import { renderPolicy } from './render-policy.js';
import type { Rule, TransformName } from './policy-schema.js';
import { buildTransform } from './transforms.js';

/** One proposed entry: deny the column, or mask it with a transform; `reason` says what gave it away. */
export interface Suggestion {
  readonly schema?: string | undefined;
  readonly table: string;
  readonly column: string;
  readonly action: 'deny' | TransformName;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  readonly reason: string;
}

interface Proposal {
  readonly action: 'deny' | TransformName;
  readonly options?: Record<string, unknown>;
}

/** Column-name heuristics, first match wins; names are matched as lower-case words joined by `_`. */
const BY_NAME: readonly (readonly [RegExp, string, Proposal])[] = [
  [/(^|_)(password|passwd|pwd|pass_?hash|password_?hash|passphrase)(_|$)/, 'a password', { action: 'deny' }],
  [/(^|_)(token|secret|api_?key|private_?key|salt|otp|totp|mfa_?secret)(_|$)/, 'a secret or token', { action: 'deny' }],
  [/(^|_)e_?mail(_|$)/, 'an e-mail address', { action: 'email' }],
  [/(^|_)(phone|mobile|fax|tel|telephone|cell|msisdn)(_|$)/, 'a phone number', { action: 'phone' }],
  [/(^|_)(credit_?card|card_?(number|num|no)|cc_?(number|num|no)|pan)(_|$)/, 'a card number', { action: 'credit-card' }],
  [/(^|_)(iban|bic|swift|bank_?account|account_?(number|num|no)|routing_?number)(_|$)/, 'a bank account', { action: 'keep-format' }],
  [/(^|_)(ssn|social_?security|national_?id|nin|tax_?id|tin|passport|driver_?licen[cs]e)(_|$)/, 'a national identifier', { action: 'keep-format' }],
  [/(^|_)(birth|dob|birthday)(_|$)/, 'a date of birth', { action: 'shift-date', options: { days: 180 } }],
  [/(^|_)(first_?name|given_?name|fname|forename)(_|$)/, 'a first name', { action: 'name', options: { part: 'first' } }],
  [/(^|_)(last_?name|surname|family_?name|lname)(_|$)/, 'a last name', { action: 'name', options: { part: 'last' } }],
  [/(^|_)(full_?name|contact_?name|display_?name|person_?name|customer_?name|employee_?name)(_|$)/, 'a person’s name', { action: 'name' }],
  [/(^|_)(address|street|addr|address_?line\d*)(_|$)/, 'a street address', { action: 'keep-format' }],
  [/(^|_)(postal_?code|post_?code|zip|zip_?code)(_|$)/, 'a postal code', { action: 'keep-format' }],
  [/(^|_)(ip|ip_?address)(_|$)/, 'an IP address', { action: 'keep-format' }],
  [/(^|_)(salary|income|wage)(_|$)/, 'pay', { action: 'noise', options: { percent: 10 } }],
];

/** Tables whose bare `name` column is a person's name. */
const PERSON_TABLE = /(^|_)(customer|employee|user|person|people|contact|member|staff|patient|client|student|author)s?(_|$)/;

const words = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const PHONE = /^\+?[\d\s().-]{7,24}$/;
/** Share of sampled non-null values that must look alike before a column is flagged by its values. */
const SHARE = 0.8;

function byName(table: MaskTable, column: MaskColumn): { pick: Proposal; reason: string } | undefined {
  const name = words(column.name);
  for (const [re, what, pick] of BY_NAME) if (re.test(name)) return { pick, reason: `the name ${column.name} says ${what}` };
  if (name === 'name' && PERSON_TABLE.test(words(table.name))) return { pick: { action: 'name' }, reason: `${table.name}.${column.name} names a person` };
  return undefined;
}

function byValues(values: readonly unknown[]): { pick: Proposal; reason: string } | undefined {
  const texts = values.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (texts.length === 0) return undefined;
  const share = (test: (s: string) => boolean) => texts.filter(test).length;
  const of = (n: number) => `${n} of ${texts.length} sampled values`;
  const emails = share((s) => EMAIL.test(s.trim()));
  if (emails >= texts.length * SHARE) return { pick: { action: 'email' }, reason: `${of(emails)} are e-mail addresses` };
  const cards = share((s) => /^[\d\s-]{13,23}$/.test(s) && digitsOf(s).length >= 13 && digitsOf(s).length <= 19 && luhnValid(digitsOf(s)));
  if (cards >= texts.length * SHARE) return { pick: { action: 'credit-card' }, reason: `${of(cards)} are Luhn-valid card numbers` };
  // A separator or a leading + tells a phone number from a plain numeric code.
  const phones = share((s) => PHONE.test(s.trim()) && /[\s().+-]/.test(s.trim()) && digitsOf(s).length >= 7 && digitsOf(s).length <= 15);
  if (phones >= texts.length * SHARE) return { pick: { action: 'phone' }, reason: `${of(phones)} look like phone numbers` };
  return undefined;
}

/** The pick if it fits the column, else the first fallback that does (a unique column cannot take `name`, text cannot take `shift-date`). */
function fitted(column: MaskColumn, pick: Proposal, reason: string): { pick: Proposal; reason: string } | undefined {
  if (pick.action === 'deny') return { pick, reason };
  const keyed = new Keyed('suggest');
  let why = '';
  for (const candidate of [pick, { action: 'keep-format' }, { action: 'pseudonym' }, { action: 'null' }] satisfies Proposal[]) {
    const built = buildTransform({ match: 'a.b', transform: candidate.action, options: candidate.options } as Rule, { keyed, column });
    if ('mask' in built) return { pick: candidate, reason: candidate === pick ? reason : `${reason}; ${pick.action} does not fit: ${why}` };
    if (candidate === pick) why = built.unfit;
  }
  return undefined;
}

/** Propose a deny or a transform for each column whose name or sampled values look sensitive. */
export async function suggestRules(tables: readonly MaskTable[], samples: (table: MaskTable) => Promise<unknown[][]>): Promise<Suggestion[]> {
  const out: Suggestion[] = [];
  for (const table of tables) {
    const rows = await samples(table);
    table.columns.forEach((column, i) => {
      const found = byName(table, column) ?? byValues(rows.map((r) => r[i]));
      const chosen = found === undefined ? undefined : fitted(column, found.pick, found.reason);
      if (chosen === undefined) return;
      out.push({
        schema: table.schema,
        table: table.name,
        column: column.name,
        action: chosen.pick.action,
        options: chosen.pick.options,
        reason: chosen.reason,
      });
    });
  }
  return out;
}

/** A policy for `tables` as YAML text, with a comment on each entry saying why it was proposed. */
export async function suggestPolicy(tables: readonly MaskTable[], samples: (table: MaskTable) => Promise<unknown[][]>): Promise<string> {
  return renderPolicy(await suggestRules(tables, samples));
}
