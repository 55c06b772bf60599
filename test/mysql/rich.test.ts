import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mysqlAdapter } from '../../src/adapters/mysql/index.js';
import { diffSchemas, emptySchema, planHazards } from '../../src/unified/index.js';
import { roundTrip } from '../conformance/round-trip.js';
import { mysqlEngine } from '../support/mysql.js';

const rich = readFileSync(new URL('../../fixtures/mysql/rich.sql', import.meta.url), 'utf8');

describe('the rich MariaDB fixture against a real MariaDB server', () => {
  it('round trips exactly and keeps every object kind', async () => {
    const { source, copy, schema } = await roundTrip(mysqlEngine, rich);
    expect(copy).toBe(source);

    expect(schema.tables.map((t) => t.name)).toEqual([
      'archive',
      'audit_log',
      'contacts',
      'customers',
      'order_lines',
      'orders',
      'products',
      'sessions',
      'stores',
    ]);
    expect(schema.views.map((v) => v.name)).toEqual(['active_customers', 'cheap_products', 'order_totals', 'vip_customers']);
    expect(schema.routines.map((r) => `${r.kind} ${r.name}`)).toEqual(['function customer_label', 'procedure recalc_order', 'function vat']);
    expect(schema.triggers.map((t) => `${t.table}.${t.name}`)).toEqual([
      'customers.customers_bu',
      'order_lines.order_lines_ai',
      'order_lines.order_lines_ai_audit',
    ]);
    expect(schema.sequences.map((s) => s.name)).toEqual(['order_numbers']);
    expect(schema.natives.map((n) => `${n.type} ${n.name}`)).toEqual(['event purge_sessions', 'partitioning audit_log']);

    const customers = schema.tables.find((t) => t.name === 'customers');
    const column = (name: string) => customers?.columns.find((c) => c.name === name);
    expect(customers?.options).toEqual({ engine: 'InnoDB', charset: 'utf8mb4', collation: 'utf8mb4_general_ci' });
    expect(customers?.comment).toBe('people who buy things');
    expect(column('id')).toMatchObject({ type: { kind: 'integer', bits: 32, unsigned: true }, autoIncrement: true });
    expect(column('prefs')?.type).toEqual({ kind: 'json', native: 'json', binary: false });
    expect(column('status')?.type).toEqual({
      kind: 'enum',
      native: "enum('active','suspended','it''s complicated')",
      values: ['active', 'suspended', "it's complicated"],
    });
    expect(column('updated_at')).toMatchObject({ default: 'current_timestamp(3)', onUpdate: 'current_timestamp(3)' });
    expect(column('secret_note')?.invisible).toBe(true);
    expect(column('email_domain')?.generated).toEqual({ expression: "substring_index(`email`,'@',-1)", stored: false });
    expect(column('display_name')).toMatchObject({ collation: 'utf8mb4_unicode_ci' });
    expect(column('display_name')?.charset).toBeUndefined();
    expect(customers?.indexes.find((i) => i.name === 'ix_customers_name_prefix')).toEqual({
      name: 'ix_customers_name_prefix',
      unique: false,
      keys: [{ column: 'display_name', length: 20 }],
      comment: 'search by name',
    });
    expect(customers?.indexes.find((i) => i.name === 'ix_customers_created_desc')?.keys).toEqual([{ column: 'created_at', desc: true }]);
    expect(customers?.indexes.find((i) => i.name === 'ix_customers_ignored')?.invisible).toBe(true);
    // The JSON column's json_valid check is part of its type, not a separate check.
    expect(customers?.checks).toEqual([{ name: 'ck_customers_email', expression: "`email` like '%@%'" }]);

    const products = schema.tables.find((t) => t.name === 'products');
    expect(products?.options?.rowFormat).toBe('DYNAMIC');
    expect(products?.columns.find((c) => c.name === 'weight_g')).toMatchObject({ zerofill: true, type: { bits: 24, unsigned: true } });
    expect(products?.indexes.map((i) => `${i.name}:${i.method ?? 'btree'}`)).toEqual(['ft_products_text:fulltext', 'uq_products_long:hash']);
    expect(products?.checks).toEqual([{ name: 'price', expression: '`price` < 100000' }]);

    const orders = schema.tables.find((t) => t.name === 'orders');
    expect(orders?.columns.find((c) => c.name === 'id')?.default).toBe('nextval(`order_numbers`)');
    expect(orders?.foreignKeys.map((f) => `${f.name}>${f.references.table}`)).toEqual(['fk_orders_billing>contacts', 'fk_orders_customer>customers']);
    expect(schema.tables.find((t) => t.name === 'stores')?.indexes[0]).toEqual({
      name: 'sp_stores_location',
      unique: false,
      method: 'spatial',
      keys: [{ column: 'location' }],
    });
    expect(schema.tables.find((t) => t.name === 'sessions')?.options?.engine).toBe('MEMORY');
    expect(schema.tables.find((t) => t.name === 'archive')?.options).toMatchObject({ engine: 'Aria', with: expect.stringContaining('transactional=1') });

    expect(schema.views.find((v) => v.name === 'vip_customers')?.options).toEqual({ algorithm: 'MERGE', security: 'INVOKER' });
    expect(schema.views.find((v) => v.name === 'cheap_products')?.options).toEqual({ check_option: 'CASCADED' });
    expect(schema.triggers.find((t) => t.name === 'order_lines_ai_audit')?.definition).toMatch(
      /^CREATE TRIGGER `order_lines_ai_audit` AFTER INSERT ON `order_lines` FOR EACH ROW FOLLOWS `order_lines_ai` /,
    );
    // Building the whole schema in an empty database is free of hazards: nothing to --allow.
    const empty = emptySchema('mysql');
    expect(planHazards(mysqlAdapter.dialect.compile({ operations: diffSchemas(empty, schema), from: empty, to: schema }))).toEqual([]);
    // DEFINER clauses are stripped everywhere.
    const code = [...schema.routines, ...schema.triggers, ...schema.natives].map((o) => o.definition).join('\n');
    expect(code).not.toMatch(/DEFINER\s*=/i);
  });
});
