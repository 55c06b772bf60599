import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roundTrip } from '../conformance/round-trip.js';
import { sharedFixture } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';

/** The script creates and selects its own database; the scratch database takes its place. */
const chinook = readFileSync(sharedFixture('chinook', 'Chinook_MySql.sql'), 'utf8')
  .split('\n')
  .filter((line) => !/^\s*(DROP DATABASE|CREATE DATABASE|USE)\b/i.test(line))
  .join('\n');

describe('Chinook against a real MariaDB server', () => {
  it('round trips exactly: introspect, apply to an empty database, introspect', async () => {
    const { source, copy, schema } = await roundTrip(mysqlEngine, chinook);
    expect(copy).toBe(source);

    expect(schema.tables.map((t) => t.name)).toEqual([
      'Album',
      'Artist',
      'Customer',
      'Employee',
      'Genre',
      'Invoice',
      'InvoiceLine',
      'MediaType',
      'Playlist',
      'PlaylistTrack',
      'Track',
    ]);
    expect(schema.tables.flatMap((t) => t.foreignKeys)).toHaveLength(11);
    const track = schema.tables.find((t) => t.name === 'Track');
    expect(track?.primaryKey).toEqual({ columns: ['TrackId'] });
    expect(track?.foreignKeys.find((f) => f.name === 'FK_TrackAlbumId')).toEqual({
      name: 'FK_TrackAlbumId',
      columns: ['AlbumId'],
      references: { table: 'Album', columns: ['AlbumId'] },
      // Written as NO ACTION, which is also what the model's absence means.
    });
    expect(track?.indexes.map((i) => i.name)).toEqual(['IFK_TrackAlbumId', 'IFK_TrackGenreId', 'IFK_TrackMediaTypeId']);
    // NVARCHAR is MariaDB's utf8mb3 national charset, kept per column against the utf8mb4 table.
    expect(track?.columns.find((c) => c.name === 'Name')).toMatchObject({
      type: { kind: 'text', native: 'varchar(200)', length: 200 },
      nullable: false,
      charset: 'utf8mb3',
    });
    expect(track?.columns.find((c) => c.name === 'UnitPrice')?.type).toEqual({ kind: 'decimal', native: 'decimal(10,2)', precision: 10, scale: 2 });
    // Objects carry no database name: the copy lives in a database of another name.
    expect(schema.tables.every((t) => t.schema === undefined)).toBe(true);
  });
});
