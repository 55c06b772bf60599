import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Handler, OptionSpec } from '../../src/commands/command-spec.js';
import type { Io } from '../../src/commands/output.js';
import { VERBS, type Opts } from '../../src/commands/verbs.js';
import { redb } from '../support/cli.js';

/**
 * A handler's options are derived from its command's spec (checked by `npm run typecheck`, which
 * compiles this file): a misspelt flag is a compile error, not a silent undefined.
 */
describe('options typed from the command specs', () => {
  it('each kind of flag has the type commander gives it', () => {
    expectTypeOf<Opts<'commit'>>().toEqualTypeOf<{ message: string; allowEmpty?: true; gpgSign?: boolean; json?: true }>();
    expectTypeOf<Opts<'status'>>().toEqualTypeOf<{ db: boolean; exitCode?: true; json?: true }>();
    expectTypeOf<Opts<'lint'>>().toEqualTypeOf<{ format: string; allow?: string; json?: true }>();
    expectTypeOf<Opts<'clone'>['where']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Opts<'clone'>['verify']>().toEqualTypeOf<boolean>();
    expectTypeOf<Opts<'mcp'>>().toEqualTypeOf<{ host: string; http?: string; policy?: string }>();
    expectTypeOf<Opts<'db remove'>>().toEqualTypeOf<{}>();
  });

  it('a misspelt flag is a compile error, and so is a handler that reads one', () => {
    const read = (opts: Opts<'clone'>) =>
      // @ts-expect-error -- clone has --json, not --jsno
      opts.jsno;
    expect(read).toBeTypeOf('function');
    type Clone = Handler<(typeof VERBS)['clone']>;
    const wrong = async (_io: Io, _source: string, _target: string, _opts: { jsno?: boolean }) => 0;
    // @ts-expect-error -- a handler must take the options its spec declares
    const bound: Clone = wrong;
    expect(bound).toBe(wrong);
    // @ts-expect-error -- a handler must take the arguments its spec declares (clone has two)
    const short: Clone = async (_io: Io, _source: number) => 0;
    expect(short).toBeTypeOf('function');
  });

  it('every flag of every spec reaches commander: each shows in its help, but for those the spec hides', () => {
    for (const [path, spec] of Object.entries(VERBS)) {
      const help = redb(process.cwd(), [...path.split(' '), '--help']);
      expect(help.code, path).toBe(0);
      for (const o of 'options' in spec ? (spec.options as readonly OptionSpec[]) : []) {
        if (o.hidden === true) expect(help.stdout, `${path} ${o.flags}`).not.toContain(o.flags);
        else expect(help.stdout, `${path} ${o.flags}`).toContain(o.flags);
      }
    }
  });
});
