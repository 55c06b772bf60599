import { loadAdapter } from '../../src/adapters/registry.js';
import { canonicalText, diffSchemas, type Schema } from '../../src/unified/index.js';
import type { ScratchDb, TestEngine } from '../support/scratch.js';

export async function introspectUrl(engine: TestEngine, url: string): Promise<Schema> {
  const adapter = await loadAdapter(engine.engine);
  const connection = await adapter.connect({ name: 'test', url, cwd: process.cwd() });
  try {
    return await connection.introspect();
  } finally {
    await connection.close();
  }
}

/** Plan from the database's live schema to `target`, apply it, and return the schema read back. */
export async function applySchema(engine: TestEngine, db: ScratchDb, target: Schema): Promise<Schema> {
  const adapter = await loadAdapter(engine.engine);
  const connection = await adapter.connect({ name: 'test', url: db.url, cwd: process.cwd() });
  try {
    const live = await connection.introspect();
    const plan = adapter.dialect.compile({ operations: diffSchemas(live, target), from: live, to: target });
    await connection.apply(plan);
    return await connection.introspect();
  } finally {
    await connection.close();
  }
}

/** introspect → apply to an empty database → introspect: the two models must be byte-identical. */
export async function roundTrip(engine: TestEngine, setupSql: string): Promise<{ source: string; copy: string; schema: Schema }> {
  const source = await engine.create();
  const target = await engine.create();
  try {
    await source.exec(setupSql);
    const schema = await introspectUrl(engine, source.url);
    const copy = await applySchema(engine, target, schema);
    return { source: canonicalText(schema), copy: canonicalText(copy), schema };
  } finally {
    await source.drop();
    await target.drop();
  }
}
