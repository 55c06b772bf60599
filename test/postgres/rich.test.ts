import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalText, emptySchema, type Schema } from '../../src/unified/index.js';
import { applySchema, introspectUrl } from '../conformance/round-trip.js';
import { pgDumpSchema, postgresEngine, psqlFile } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

const RICH = join(import.meta.dirname, '../../fixtures/postgres/rich.sql');

describe('a rich schema against a real PostgreSQL server', () => {
  let source: ScratchDb;
  let target: ScratchDb;
  let schema: Schema;
  let copy: Schema;

  beforeAll(async () => {
    source = await postgresEngine.create();
    target = await postgresEngine.create();
    psqlFile(source.url, RICH);
    schema = await introspectUrl(postgresEngine, source.url);
    copy = await applySchema(postgresEngine, target, schema);
  });
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('models every kind of object', () => {
    expect(schema.namespaces.map((n) => n.name)).toEqual(['app', 'audit', 'ext', 'public']);
    expect(schema.extensions.map((e) => `${e.name}@${e.schema ?? ''}`)).toEqual(['btree_gist@public', 'citext@public', 'file_fdw@public', 'pgcrypto@ext']);
    expect(schema.enums.map((e) => e.name)).toEqual(['status', 'Priority']);
    expect(schema.domains.map((d) => d.name)).toEqual(['email', 'money_amount', 'short_name']);
    expect(schema.composites.map((c) => c.name)).toEqual(['address', 'contact']);
    expect(schema.sequences.map((s) => `${s.schema ?? ''}.${s.name}`)).toEqual(['app.invoice_no', 'app.team_id_seq', 'audit.countdown', 'audit.log_id_seq']);
    expect(schema.views.map((v) => `${v.name}${v.materialized ? ' (materialized)' : ''}`)).toEqual([
      'active_account',
      'big_team',
      'document_count (materialized)',
      'team_size',
      'settings_view',
    ]);
    expect(schema.routines.map((r) => `${r.name}(${r.signature})`)).toEqual([
      'add(a integer, b integer)',
      'add(a numeric, b numeric)',
      'archive(IN days integer)',
      'near(numeric, numeric)',
      'slugify(t text)',
      'status_of(integer)',
      'log_change()',
      'touch()',
      'on_ddl()',
    ]);
    expect(schema.triggers.map((t) => t.name)).toEqual(['account_touch', 'document_audit', 'event_audit', 'membership_check', 'team_audit', 'settings_quiet']);
    expect(schema.natives.map((n) => `${n.type}:${n.name}`).sort()).toEqual([
      'aggregate:concat_all(text)',
      'cast:(integer AS app.status)',
      'collation:nocase',
      'comment:address.zip',
      'comment:document.document_owner',
      'comment:team_size.members',
      'event trigger:rich_ddl',
      'foreign server:local_files',
      'foreign table:import',
      'operator:~~~(numeric, numeric)',
      'range type:numrange2',
      'replica identity:membership',
      'rule:archived.archived_readonly',
      'statistics:document_stats',
    ]);
    const document = schema.tables.find((t) => t.name === 'document');
    expect(document?.options).toEqual({ rowLevelSecurity: true, forceRowLevelSecurity: true });
    expect(document?.policies.map((p) => p.name)).toEqual(['document_insert', 'document_owner', 'document_public']);
    expect(document?.exclusions[0]?.definition).toBe('EXCLUDE USING gist (owner_id WITH =, valid_during WITH &&)');
    const event2025 = schema.tables.find((t) => t.name === 'event_2025');
    expect(event2025?.partitionOf).toEqual({
      schema: 'app',
      table: 'event',
      bound: "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00')",
    });
  });

  it('is dropped completely by a migration to an empty schema', async () => {
    const db = await postgresEngine.create();
    try {
      psqlFile(db.url, RICH);
      const emptied = await applySchema(postgresEngine, db, emptySchema('postgres'));
      expect(canonicalText(emptied)).toBe(canonicalText(emptySchema('postgres')));
    } finally {
      await db.drop();
    }
  });

  it('round trip is exact', () => {
    expect(canonicalText(copy)).toBe(canonicalText(schema));
  });

  it('the copy dumps exactly like the source (pg_dump --schema-only)', () => {
    const original = pgDumpSchema(source.url);
    for (const ddl of [
      'CREATE EVENT TRIGGER',
      'CREATE RULE',
      'CREATE POLICY',
      'CREATE FOREIGN TABLE',
      'CREATE OPERATOR',
      'CREATE CAST',
      'ATTACH PARTITION',
      'CREATE MATERIALIZED VIEW',
    ]) {
      expect(original).toContain(ddl);
    }
    expect(pgDumpSchema(target.url)).toBe(original);
  });
});
