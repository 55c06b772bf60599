import { dbAdd, dbList, dbRemove } from '../ops/db.js';
import { json, paint, shortId, table, type Io } from './output.js';
import type { Opts } from './verbs.js';

export async function add(io: Io, name: string, url: string, opts: Opts<'db add'>): Promise<number> {
  const b = await dbAdd({ cwd: io.cwd, name, url, ...(opts.requireSigned === true ? { requireSigned: true } : {}) });
  io.out(`added ${paint.bold(io, b.name)} (${b.engine}) ${b.url}${b.requireSigned === true ? ' (migrates only commits verified by a trusted identity)' : ''}`);
  return 0;
}

export async function list(io: Io, opts: Opts<'db list'>): Promise<number> {
  const bindings = await dbList({ cwd: io.cwd });
  if (opts.json) json(io, bindings);
  else if (bindings.length === 0) io.out(paint.dim(io, 'no databases bound; add one with redb db add <name> <url>'));
  else
    io.out(
      table([['NAME', 'ENGINE', 'AT', 'URL'].map((h) => paint.dim(io, h)), ...bindings.map((b) => [paint.bold(io, b.name), b.engine, shortId(b.at), b.url])]),
    );
  return 0;
}

export async function remove(io: Io, name: string): Promise<number> {
  await dbRemove({ cwd: io.cwd, name });
  io.out(`removed ${name}`);
  return 0;
}
