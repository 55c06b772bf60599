import { describe, expect, it } from 'vitest';
import { renameColumnInView, renameTableInView, viewReads } from '../../src/adapters/mysql/references.js';
import { routineReferences, sqlReferences, typeReferences } from '../../src/adapters/postgres/references.js';

const q = (name: string) => `\`${name}\``;

describe('references are read where SQL names objects, never from a word anywhere', () => {
  it('PostgreSQL: a sequence through regclass, routines by their call, types after ::, relations after FROM and JOIN', () => {
    expect(sqlReferences("nextval('public.language_language_id_seq'::regclass)")).toEqual([
      { kind: 'routine', name: 'nextval' },
      { kind: 'relation', schema: 'public', name: 'language_language_id_seq' },
    ]);
    expect(
      sqlReferences(`SELECT o."select", l.name FROM public."order" o JOIN language l ON l.id = o.id, "text" t WHERE o.x::public.mood = 'a'::text ORDER BY 1`),
    ).toEqual([
      { kind: 'relation', schema: 'public', name: 'order' },
      { kind: 'relation', name: 'language' },
      { kind: 'relation', name: 'text' },
      { kind: 'type', schema: 'public', name: 'mood' },
    ]);
  });

  it('PostgreSQL: LANGUAGE, RETURNS and a string body name nothing; a standard-SQL body does', () => {
    expect(
      routineReferences(
        'CREATE OR REPLACE FUNCTION public.last_updated()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$ BEGIN SELECT 1 FROM language; END $function$',
      ),
    ).toEqual([]);
    expect(
      routineReferences(
        'CREATE OR REPLACE FUNCTION public."limit"(a public.mood)\n RETURNS SETOF public."order"\n LANGUAGE sql\nBEGIN ATOMIC\n SELECT * FROM public."order";\nEND',
      ),
    ).toEqual([
      { kind: 'type', schema: 'public', name: 'mood' },
      { kind: 'type', schema: 'public', name: 'order' },
      { kind: 'relation', schema: 'public', name: 'order' },
    ]);
    expect(typeReferences('text')).toEqual([]);
    expect(typeReferences('public."order"[]')).toEqual([{ kind: 'type', schema: 'public', name: 'order' }]);
  });

  it('MariaDB: a view reads what follows FROM and JOIN, not a column named like another view', () => {
    expect([...viewReads('select `v1`.`language` AS `v1`,`o`.`select` AS `select` from (`v1` join `order` `o` on(`o`.`v2` = `v1`.`v2`))')]).toEqual([
      'v1',
      'order',
    ]);
    expect([...viewReads("select `o`.`v2` AS `v2`,`default`(`o`.`user`) AS `language` from `order` `o` where `o`.`x` = 'it\\'s'")]).toEqual([
      'default',
      'order',
    ]);
  });

  it('MariaDB: a renamed column or table is written anew where the view reads it, each output keeping its name', () => {
    const view = 'select `o`.`id` AS `id`,`o`.`select` AS `select`,`p`.`select` AS `other` from (`order` `o` join `part` `p`)';
    expect(renameColumnInView(view, 'order', 'select', 'choice', q)).toBe(
      'select `o`.`id` AS `id`,`o`.`choice` AS `select`,`p`.`select` AS `other` from (`order` `o` join `part` `p`)',
    );
    expect(renameColumnInView(view, 'order', 'qty', 'amount', q)).toBeUndefined();
    expect(renameTableInView('select `order`.`id` AS `order` from `order`', 'order', 'orders', q)).toBe('select `orders`.`id` AS `order` from `orders`');
  });
});
