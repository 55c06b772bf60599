import { readFileSync } from 'node:fs';
import { errors } from '../errors.js';
import { secretList, secretReseal, secretRm, secretSet } from '../ops/secret.js';
import { json, paint, table, type Io } from './output.js';
import { passphrasePrompt } from './prompt.js';
import type { Opts } from './verbs.js';

const keyCtx = (io: Io) => {
  const prompt = passphrasePrompt(io);
  return { cwd: io.cwd, env: io.env, ...(prompt === undefined ? {} : { prompt }) };
};

/** The value: from a named environment variable, or stdin (asked for without echo on a terminal). Never an argument. */
async function valueOf(io: Io, name: string, fromEnv: string | undefined): Promise<Uint8Array> {
  if (fromEnv !== undefined) {
    const v = io.env[fromEnv];
    if (v === undefined) throw errors.secretValueMissing(name, `the environment variable ${fromEnv} is not set`);
    return new TextEncoder().encode(v);
  }
  if (process.stdin.isTTY === true) {
    const ask = passphrasePrompt(io);
    if (ask === undefined) throw errors.secretValueMissing(name, 'there is no terminal to ask');
    return new TextEncoder().encode(await ask(`Value of ${name}: `));
  }
  let raw: Buffer;
  try {
    raw = readFileSync(0);
  } catch {
    throw errors.secretValueMissing(name, 'nothing could be read from stdin');
  }
  // One trailing newline is what `echo` and editors add, not part of the value.
  const text = raw.toString('utf8').replace(/\r?\n$/, '');
  return new TextEncoder().encode(text);
}

export async function set(io: Io, name: string, opts: Opts<'secret set'>): Promise<number> {
  const value = await valueOf(io, name, opts.fromEnv);
  const s = await secretSet({ ...keyCtx(io), name, value });
  value.fill(0);
  if (opts.json) json(io, s);
  else io.out(`sealed ${paint.bold(io, s.name)} to ${s.recipients.length} identit${s.recipients.length === 1 ? 'y' : 'ies'}: ${s.recipients.join(', ')}`);
  return 0;
}

export async function list(io: Io, opts: Opts<'secret list'>): Promise<number> {
  const secrets = await secretList({ cwd: io.cwd, env: io.env });
  if (opts.json) json(io, secrets);
  else if (secrets.length === 0) io.out(paint.dim(io, 'no secrets; redb secret set <name> < value'));
  else {
    io.out(
      table([
        ['NAME', 'SEALED TO', 'UPDATED'].map((h) => paint.dim(io, h)),
        ...secrets.map((s) => [paint.bold(io, s.name), s.recipients.join(','), `${s.updated}${s.resealDue ? paint.yellow(io, '  reseal due') : ''}`]),
      ]),
    );
    if (secrets.some((s) => s.resealDue)) io.err(paint.yellow(io, 'the trust document changed since some secrets were sealed: redb secret reseal'));
  }
  return 0;
}

export async function rm(io: Io, name: string, opts: Opts<'secret rm'>): Promise<number> {
  const r = await secretRm({ ...keyCtx(io), name });
  if (opts.json) json(io, r);
  else io.out(`removed ${r.name}`);
  return 0;
}

export async function reseal(io: Io, opts: Opts<'secret reseal'>): Promise<number> {
  const r = await secretReseal(keyCtx(io));
  if (opts.json) json(io, r);
  else io.out(`resealed ${r.resealed.length} secret${r.resealed.length === 1 ? '' : 's'} to: ${r.recipients.join(', ')}`);
  return 0;
}
