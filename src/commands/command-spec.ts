import type { Io } from './output.js';

/**
 * A command described as data: cli.ts builds commander from it, and the handler's parameters are
 * derived from it, so a flag read under a name the spec does not give is a compile error.
 */
export interface OptionSpec {
  /** As commander spells it: `-m, --message <message>`, `--json`, `--no-verify`. */
  readonly flags: string;
  readonly description: string;
  /** Used when the flag is absent; the help shows it. */
  readonly default?: string;
  /** Each use adds a value: the handler gets a list. */
  readonly repeatable?: true;
  /** Commander refuses the command without it. */
  readonly required?: true;
  /** Left out of the help (a knob for tests and benchmarks). */
  readonly hidden?: true;
}

export interface ArgumentSpec {
  /** `<name>` is required, `[name]` optional. */
  readonly name: string;
  readonly description?: string;
  readonly default?: string;
}

export interface CommandSpec {
  readonly description: string;
  readonly aliases?: readonly string[];
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  /** Subcommands only, nothing to run of its own. */
  readonly group?: true;
  /** The handler also gets the options of the command it sits under (commander fills them wherever written). */
  readonly inherit?: true;
  /**
   * The command stops at a safe point when asked to (SIGINT, SIGTERM): the first signal aborts its
   * `io.signal` and the work winds down; without this the first signal stops the process at once.
   * The text is said on stderr then (empty: nothing is said).
   */
  readonly stopping?: string;
  /** The hint when it is stopped at once: what is left and how to go on. */
  readonly afterStop?: string;
}

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type Long<F extends string> = F extends `${string}--${infer Rest}` ? (Rest extends `${infer Name} ${string}` ? Name : Rest) : never;
type Negated<F extends string> = Long<F> extends `no-${string}` ? true : false;
/** The property commander stores a flag under: `--batch-rows <n>` → `batchRows`, `--no-verify` → `verify`. */
type Key<F extends string> = Long<F> extends `no-${infer Name}` ? Camel<Name> : Camel<Long<F>>;

type OptionOf<S extends CommandSpec> = S extends { readonly options: infer O extends readonly OptionSpec[] } ? O[number] : never;
type PositiveKeys<S extends CommandSpec> =
  Each<S> extends infer O ? (O extends OptionSpec ? (Negated<O['flags']> extends true ? never : Key<O['flags']>) : never) : never;

type Value<O extends OptionSpec> = O['repeatable'] extends true
  ? string[]
  : O['flags'] extends `${string}<${string}>`
    ? string
    : O['flags'] extends `${string}[${string}]`
      ? string | true
      : Negated<O['flags']> extends true
        ? boolean
        : true;

/** Always there: a default, a required flag, or a lone `--no-x` (whose x defaults to true). */
type Always<O extends OptionSpec, S extends CommandSpec> = O extends { readonly required: true } | { readonly default: string }
  ? true
  : Negated<O['flags']> extends true
    ? Key<O['flags']> extends PositiveKeys<S>
      ? false
      : true
    : false;

type Flatten<T> = { [K in keyof T]: T[K] };
type Each<S extends CommandSpec> = OptionOf<S> extends infer O ? (O extends OptionSpec ? O : never) : never;
type Keys<S extends CommandSpec> = Each<S> extends infer O ? (O extends OptionSpec ? Key<O['flags']> : never) : never;
type AlwaysKeys<S extends CommandSpec> =
  Each<S> extends infer O ? (O extends OptionSpec ? (Always<O, S> extends true ? Key<O['flags']> : never) : never) : never;
/** `--gpg-sign` and `--no-gpg-sign` both set `gpgSign`: its type is the union of theirs. */
type ValueAt<S extends CommandSpec, K extends string> =
  Each<S> extends infer O ? (O extends OptionSpec ? (Key<O['flags']> extends K ? Value<O> : never) : never) : never;

/** The options object commander hands the handler of `S`. */
export type OptionsOf<S extends CommandSpec> = Flatten<
  { -readonly [K in AlwaysKeys<S>]: ValueAt<S, K> } & { -readonly [K in Exclude<Keys<S>, AlwaysKeys<S>>]?: ValueAt<S, K> }
>;

type ArgumentValue<A> = A extends { readonly name: `<${string}` } | { readonly default: string } ? string : string | undefined;

/** The positional arguments of `S`, in order. */
export type ArgumentsOf<S extends CommandSpec> = S extends { readonly arguments: infer A extends readonly ArgumentSpec[] }
  ? { -readonly [I in keyof A]: ArgumentValue<A[I]> }
  : [];

/** What runs a command: its arguments, then its options; the exit code it returns. */
export type Handler<S extends CommandSpec> = (io: Io, ...params: [...ArgumentsOf<S>, OptionsOf<S>]) => Promise<number>;
