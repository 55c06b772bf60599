import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errors } from '../errors.js';
import { allowedSigners, trustAdd, trustList, trustRemove, trustSign, trustThreshold, type TrustChange } from '../ops/trust.js';
import { json, paint, table, type Io } from './output.js';
import { passphrasePrompt } from './prompt.js';
import type { Opts } from './verbs.js';

const keyCtx = (io: Io) => {
  const prompt = passphrasePrompt(io);
  return { cwd: io.cwd, env: io.env, ...(prompt === undefined ? {} : { prompt }) };
};

function readCard(io: Io, from: string): string {
  try {
    return from === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(io.cwd, from), 'utf8');
  } catch (e) {
    throw errors.usage(
      `cannot read the card ${from}: ${e instanceof Error ? e.message : String(e)}`,
      'pass the file that `redb id --json` wrote, or - for stdin',
    );
  }
}

function report(io: Io, c: TrustChange, asJson: boolean | undefined): number {
  if (asJson) {
    json(io, c);
    return 0;
  }
  if (c.applied) io.out(`trust document: ${c.summary} (${paint.yellow(io, c.revision.slice(0, 7))})`);
  else io.out(`trust document: ${c.summary} is signed ${c.signatures} of ${c.needed}; other admins run ${paint.bold(io, 'redb trust sign')}`);
  if (c.resealed.length > 0) io.out(`resealed to the members now: ${c.resealed.join(', ')}`);
  if (c.resealDue.length > 0)
    io.err(
      `${paint.yellow(io, 'reseal due')}: ${c.resealDue.join(', ')} ${c.resealDue.length === 1 ? 'is' : 'are'} sealed to the old members; run redb secret reseal`,
    );
  return 0;
}

export async function add(io: Io, name: string, id: string, opts: Opts<'trust add'>): Promise<number> {
  const roles = (opts.role ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  return report(io, await trustAdd({ ...keyCtx(io), name, id, roles, ...(opts.card === undefined ? {} : { card: readCard(io, opts.card) }) }), opts.json);
}

export async function remove(io: Io, name: string, opts: Opts<'trust remove'>): Promise<number> {
  return report(io, await trustRemove({ ...keyCtx(io), name }), opts.json);
}

export async function threshold(io: Io, n: string, opts: Opts<'trust threshold'>): Promise<number> {
  return report(io, await trustThreshold({ ...keyCtx(io), threshold: Number(n) }), opts.json);
}

export async function sign(io: Io, opts: Opts<'trust sign'>): Promise<number> {
  return report(io, await trustSign(keyCtx(io)), opts.json);
}

export async function list(io: Io, opts: Opts<'trust list'>): Promise<number> {
  if (opts.allowedSigners) {
    io.out(await allowedSigners({ cwd: io.cwd, env: io.env }));
    return 0;
  }
  const view = await trustList({ cwd: io.cwd, env: io.env });
  if (opts.json) {
    json(io, view);
    return 0;
  }
  if (view.revision === undefined) {
    io.out(paint.dim(io, 'no trust document yet; start one with: redb trust add <your name> $(redb id) --role admin'));
    return 0;
  }
  io.out(
    `revision ${view.number} (${paint.yellow(io, view.revision.slice(0, 7))}); changes need ${view.threshold} admin signature${view.threshold === 1 ? '' : 's'}`,
  );
  io.out(table([['NAME', 'ROLES', 'ID'].map((h) => paint.dim(io, h)), ...view.members.map((m) => [paint.bold(io, m.name), m.roles.join(','), m.id])]));
  if (view.proposal !== undefined)
    io.out(`\nwaiting: ${view.proposal.summary}, signed ${view.proposal.signedBy.length} of ${view.proposal.needed} (redb trust sign)`);
  if (view.resealDue.length > 0) io.err(`${paint.yellow(io, 'reseal due')}: ${view.resealDue.join(', ')} (redb secret reseal)`);
  return 0;
}
