import { z } from 'zod';

/**
 * The masking policy file, as users write it:
 *
 * ```yaml
 * version: 1                        # optional; the only version so far
 * secret: env:REDB_MASK_SECRET      # key of every deterministic transform; `env:NAME` or a literal
 * rules:                            # first matching rule wins (as in Greenmask and pganonymize)
 *   - match: customer.email         # table.column or schema.table.column; `*` and `?` are globs
 *     transform: email
 *   - match: payment.amount
 *     transform: noise
 *     options: { percent: 10 }
 * deny:                             # never copied (written as NULL) and never shown
 *   - staff.password                # table.column / schema.table.column
 *   - audit_log                     # one name: the whole table
 *   - table: hr.salaries            # a schema-qualified whole table
 * strict: true                      # replication: a column added later with no rule (nor deny) pauses its table
 * ```
 *
 * Decisions:
 * - Names match case-insensitively: an engine that folds case must not let a differently spelt
 *   policy leave a column unmasked. Two-part patterns match in any schema.
 * - `deny` wins over `rules`; a column matched by both is denied.
 * - Transform names follow the common vocabulary (PostgreSQL Anonymizer's `pseudo_*`/`partial`/
 *   `noise`, Neosync's transform_email/phone, Tonic's character scramble = `keep-format`), and each
 *   transform's options are checked here, so a typo is an error with a line number, never ignored.
 * - NULL stays NULL under every transform: an absent value reveals nothing new.
 * - Names in `rules` and `deny` that use no glob must exist when the masker is compiled against a
 *   database (REDB_POLICY_UNKNOWN_COLUMN): a typo must not leave a column in the clear. Globs may
 *   match nothing, so one policy can serve several databases.
 * - Types, NOT NULL and uniqueness are checked per column when the masker is built: `null` on a NOT
 *   NULL column, a transform on a type it cannot keep, or a many-to-one transform (name, redact,
 *   constant, shift-date, noise) on a unique column is REDB_POLICY_INVALID at the rule's line.
 *   Unique columns keep unique values because the other transforms are injective: pseudonym,
 *   keep-format and phone are keyed permutations (bijective by construction), email and hash carry
 *   at least 96 bits of HMAC (130 in a full e-mail token), credit-card is injective over
 *   Luhn-valid numbers.
 * - Every keyed transform needs `secret`; `env:NAME` keeps it out of the file.
 */

const days = z.number().int().min(1).max(3650);
/** The column whose value keys a per-row choice (shift every date of a row by the same amount). */
const by = z.string().min(1).optional();
const keep = z.number().int().min(0).max(64).optional();

const rulePattern = z.string().regex(/^[^.\s]+(\.[^.\s]+){1,2}$/, 'table.column or schema.table.column');
const denyPattern = z.string().regex(/^[^.\s]+(\.[^.\s]+){0,2}$/, 'table, table.column or schema.table.column');

const rule = <N extends string, O extends z.ZodType>(transform: N, options: O) =>
  z.object({ match: rulePattern, transform: z.literal(transform), options }).strict();
const none = z.object({}).strict().optional();

export const Rule = z.discriminatedUnion(
  'transform',
  [
    /** HMAC-SHA256 of the value: hex text (cut to `length` or the column's length), raw bytes for binary. */
    rule(
      'hash',
      z
        .object({ length: z.number().int().min(8).max(64).optional() })
        .strict()
        .optional(),
    ),
    /** Keyed, injective, type-keeping mapping for keys: equal inputs give equal outputs in every table. */
    rule('pseudonym', none),
    /** `<token>@<domain>`; the token carries 130 bits of HMAC, so distinct inputs stay distinct. */
    rule(
      'email',
      z
        .object({
          domain: z
            .string()
            .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i)
            .optional(),
          keepDomain: z.boolean().optional(),
        })
        .strict()
        .optional(),
    ),
    rule(
      'name',
      z
        .object({ part: z.enum(['full', 'first', 'last']).optional() })
        .strict()
        .optional(),
    ),
    /** Digits replaced by a keyed permutation, separators and `keep` leading digits kept. */
    rule('phone', z.object({ keep }).strict().optional()),
    /** Same length and separators, `keep` leading digits (the issuer) kept, a valid Luhn check digit. */
    rule('credit-card', z.object({ keep }).strict().optional()),
    /** Every character but the `keepFirst`/`keepLast` ones becomes `char` (PostgreSQL Anonymizer's partial()). */
    rule(
      'redact',
      z
        .object({ char: z.string().length(1).optional(), keepFirst: keep, keepLast: keep })
        .strict()
        .optional(),
    ),
    rule('null', none),
    rule('constant', z.object({ value: z.union([z.string(), z.number(), z.boolean()]) }).strict()),
    /** Moves a date by a keyed, non-zero number of days within ±`days` (default 30). */
    rule('shift-date', z.object({ days: days.optional(), by }).strict().optional()),
    /** Multiplies by a keyed factor within ±`percent` (default 10), kept inside the column's type. */
    rule(
      'noise',
      z
        .object({ percent: z.number().gt(0).max(100).optional(), by })
        .strict()
        .optional(),
    ),
    /** A keyed permutation of letters and digits within their class: same length, same shape, injective. */
    rule('keep-format', none),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'unknown transform' : undefined) },
);
export type Rule = z.infer<typeof Rule>;
export type TransformName = Rule['transform'];
export const TRANSFORMS = Rule.options.map((o) => o.shape.transform.value);

export const PolicyInput = z
  .object({
    version: z.literal(1).optional(),
    secret: z.string().min(1).optional(),
    /** A column that appears after a replication job started, with no rule or denial, pauses its table instead of travelling unmasked. */
    strict: z.boolean().optional(),
    rules: z.array(Rule).default([]),
    deny: z.array(z.union([denyPattern, z.object({ table: z.string().regex(/^[^.\s]+(\.[^.\s]+)?$/, 'table or schema.table') }).strict()])).default([]),
  })
  .strict();
export type PolicyInput = z.infer<typeof PolicyInput>;
