import { describe, expect, it } from 'vitest';
import { estimateLock, stepLocks } from '../../src/adapters/locks.js';

describe('estimated lock levels for migrate --dry-run', () => {
  it('names PostgreSQL lock modes by statement', () => {
    expect(estimateLock('postgres', 'CREATE INDEX "i" ON "public"."t" ("a")')).toMatch(/^SHARE \(blocks writes/);
    expect(estimateLock('postgres', 'CREATE INDEX CONCURRENTLY "i" ON "public"."t" ("a")')).toMatch(/^SHARE UPDATE EXCLUSIVE/);
    expect(estimateLock('postgres', 'ALTER TABLE "public"."t" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "public"."u" ("id")')).toMatch(
      /^SHARE ROW EXCLUSIVE on both/,
    );
    expect(estimateLock('postgres', 'ALTER TABLE "public"."t" VALIDATE CONSTRAINT "fk"')).toMatch(/^SHARE UPDATE EXCLUSIVE/);
    expect(estimateLock('postgres', 'ALTER TABLE "public"."t"\n  ALTER COLUMN "a" TYPE bigint')).toMatch(/^ACCESS EXCLUSIVE/);
    expect(estimateLock('postgres', 'CREATE TABLE "public"."n" (a int)')).toBeUndefined();
    expect(estimateLock('postgres', "SET lock_timeout = '5s'")).toBeUndefined();
  });
  it('tells a MariaDB table copy from an in-place change', () => {
    expect(estimateLock('mysql', 'ALTER TABLE `t` MODIFY COLUMN `a` bigint')).toMatch(/table copy/);
    expect(estimateLock('mysql', 'ALTER TABLE `t` ADD INDEX `i` (`a`)')).toMatch(/in place/);
    expect(estimateLock('mysql', 'ALTER TABLE `t` ADD COLUMN `b` int')).toMatch(/metadata lock/);
  });
  it('lists each lock of a step once, strongest first', () => {
    expect(stepLocks('postgres', ['COMMENT ON TABLE "t" IS \'x\'', 'ALTER TABLE "t" DROP COLUMN "a"', 'ALTER TABLE "t" DROP COLUMN "b"'])).toEqual([
      'ACCESS EXCLUSIVE (blocks reads and writes)',
      'SHARE UPDATE EXCLUSIVE (reads and writes continue)',
    ]);
    expect(stepLocks('sqlite', ['PRAGMA legacy_alter_table = OFF', 'ALTER TABLE "a" RENAME TO "b"'])).toEqual(['database write lock (other writers wait)']);
  });
});
