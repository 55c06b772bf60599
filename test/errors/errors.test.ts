import { describe, expect, expectTypeOf, it } from 'vitest';
import { errors, isRedbError, RedbError, type AnyRedbError, type RedbErrorCode, type RedbErrorData } from '../../src/errors.js';

type Name = keyof typeof errors;

/**
 * Arguments for the entries whose parameters are not all text; every other entry is built from
 * strings. A new entry that needs more than text fails the round trip below until it has a line here.
 */
const samples: { readonly [K in Name]?: Parameters<(typeof errors)[K]> } = {
  ambiguousRef: ['ab12', ['ab12cd', 'ab12ef']],
  replicateJobNotFound: ['nightly', ['app_to_copy']],
  replicateJobRunning: ['nightly', 4242],
  replicateCopyInterrupted: ['nightly', 'SIGINT'],
  replicateCopyRewritten: ['nightly', 'src', ['public.t']],
  replicateHandoffMoved: ['nightly', 'src', ['public.t']],
  replicateTargetDiffers: ['nightly', 'dst', [{ table: 'public.t', change: 'column c missing' }], 2, ['drops-data'], 'redb replicate src dst --yes'],
  replicateTargetTablesGone: ['nightly', 'dst', ['public.t', 'public.u']],
  diskFull: ['/tmp/x', 'write', true],
  tooManyOpenFiles: ['/tmp/x', 'open', false],
  plainPassword: ['postgres://app:***@db/app', ['the password after user:']],
  engineUnsupported: ['oracle', ['postgres', 'sqlite']],
  dbUnreachable: ['app', 'connection refused', 'file'],
  limitExceeded: ['mysql', [{ object: 'table t', detail: 'name is 70 characters', limit: '64', file: 'schema/tables/t.yaml' }], 'nothing was changed'],
  nameClash: ['mysql', [{ object: 'table T', detail: 'and t', limit: 'case-insensitive', file: 'schema/tables/T.yaml' }], 'nothing was changed'],
  nothingToCommit: [true],
  dirtyWorkingTree: ['switch', 3],
  hazardsBlocked: [['destroys-data', 'blocking-lock']],
  migrateFailed: ['app', 'ALTER TABLE t ADD c int', 'duplicate column', false, ['CREATE TABLE u (a int)']],
  migrateInterrupted: ['app', 2, 5, false],
  migrateBusy: ['app', 'pid 42', 10],
  shadowMismatch: ['app', ['table t differs']],
  locked: [{ pid: 42, host: 'box', command: 'redb commit', started: '2024-01-01T00:00:00Z' }, '.redb/lock'],
  unresolvedConflicts: [['schema/tables/t.yaml']],
  policyInvalid: ['policy.yaml', 3, 'tables.t', 'unknown field'],
  policyUnknownColumn: ['policy.yaml', 4, 't.c', 'matches no column'],
  accessPolicyInvalid: ['access.cedar', 2, 'syntax error'],
  accessDenied: ['token:a', 'read', 'table t', ['no permit']],
  cloneLossy: ['dst', ['column t.c loses its time zone']],
  cloneWhereBreaksKey: ['src', [{ child: 'b', parent: 'a', foreignKey: 'b_a_fk', orphans: 2, suggestion: 'b:a_id < 10' }]],
  cloneFinishFailed: ['dst', 'ALTER TABLE t ADD PRIMARY KEY (id)', 'duplicate key', true, false],
  cloneCopyFailed: ['src', 'dst', 't', 'connection lost', true],
  cloneResumeMismatch: ['src', 'dst', ['--tables differs']],
  cloneInterrupted: ['src', 'dst', 'SIGTERM', true],
  cloneTargetIncompatible: ['dst', ['t.c is text, not integer']],
  cloneTruncateReferenced: ['dst', [{ table: 'a', referencedBy: 'b', rows: 3 }]],
  cloneValueTooLarge: ['dst', [{ table: 't', column: 'c', rows: 1, limit: 1024, setting: 'max_allowed_packet' }]],
  cloneUnevenArrays: ['dst', [{ table: 't', column: 'c', rows: 2, condition: 'uneven(c)' }]],
  cloneTargetNotEmpty: ['dst', ['t']],
  verifyMismatch: [
    'src',
    'dst',
    ['t'],
    [{ table: 't', target: 't', sourceRows: 2, targetRows: 1, sourceChecksum: 'aa', targetChecksum: 'bb', countsOnly: false, method: 'rows', match: false }],
  ],
  changesPrivilege: ['app', 'reader', ['REPLICATION'], 'ALTER ROLE reader REPLICATION'],
  changesNoSlots: ['app', 'max_replication_slots', 10, 10],
  changesNoKey: ['app', ['t'], 'add a primary key'],
  replicateGeneratedPlain: ['sqlite:copy.db', ['public.orders.total']],
  replicateDropUnreachable: ['nightly', 'source', 'database "app" does not exist', ['position of nightly in copy']],
  changesSlotActive: ['app', 'redb_job', 4242],
  usage: ['clone takes two databases', 'redb clone <from> <to>'],
};

/** One error of each entry of the map. */
function everyError(): [Name, RedbError][] {
  return (Object.keys(errors) as Name[]).map((name) => {
    const factory = errors[name] as (...args: unknown[]) => RedbError;
    // A factory takes its arguments as a rest list (no `length`): text for as many as any entry has.
    const args = samples[name] ?? Array.from({ length: 8 }, (_, i) => `${name}-${i}`);
    try {
      return [name, factory(...args)];
    } catch (e) {
      throw new Error(`errors.${name} cannot be built from text alone: add its arguments to samples (${String(e)})`);
    }
  });
}

const roundTrip = (e: RedbError): AnyRedbError => RedbError.fromJSON(JSON.parse(JSON.stringify(e)));

describe('errors are data with a code from one map', () => {
  it('gives each entry its own code, named on the factory', () => {
    const codes = Object.values(errors).map((f) => f.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [name, e] of everyError()) expect(e.code, name).toBe(errors[name].code);
  });

  it('rebuilds every error of the map from its JSON with the same code, message, hint, data and exit code', () => {
    for (const [name, e] of everyError()) {
      const back = roundTrip(e);
      expect(back, name).toBeInstanceOf(RedbError);
      expect({ code: back.code, message: back.message, hint: back.hint, data: back.data, exitCode: back.exitCode }, name).toEqual({
        code: e.code,
        message: e.message,
        hint: e.hint,
        data: e.data,
        exitCode: e.exitCode,
      });
      expect(back.toJSON(), name).toEqual(e.toJSON());
    }
  });

  it('keeps an exit code other than 1 across the wire', () => {
    expect(roundTrip(errors.cloneInterrupted('a', 'b', 'SIGTERM', true)).exitCode).toBe(143);
    expect(roundTrip(errors.hazardsBlocked(['destroys-data'])).exitCode).toBe(3);
  });

  it('refuses a code this version does not know, and a malformed envelope', () => {
    const good = errors.refNotFound('main').toJSON();
    const refused = (value: unknown) => {
      try {
        RedbError.fromJSON(value);
      } catch (e) {
        return isRedbError(e, 'REDB_ERROR_UNREADABLE') ? e.data.detail : `not refused: ${String(e)}`;
      }
      return 'accepted';
    };
    expect(refused({ ...good, code: 'REDB_NO_SUCH_THING' })).toContain('REDB_NO_SUCH_THING is not one this version of redb knows');
    expect(refused({ ...good, code: 'toString' })).toContain('not one this version of redb knows');
    expect(refused({ ...good, code: undefined })).toBe('it has no code');
    expect(refused({ ...good, message: 3 })).toBe('REDB_REF_NOT_FOUND has no message');
    expect(refused({ ...good, hint: ['x'] })).toBe('the hint of REDB_REF_NOT_FOUND is not text');
    expect(refused({ ...good, data: 'main' })).toBe('the data of REDB_REF_NOT_FOUND is not an object');
    expect(refused({ ...good, exitCode: 0 })).toBe('the exit code of REDB_REF_NOT_FOUND is not 1 to 255');
    expect(refused({ ...good, exitCode: undefined })).toBe('the exit code of REDB_REF_NOT_FOUND is not 1 to 255');
    expect(refused(null)).toBe('it is not an object');
    expect(refused([good])).toBe('it is not an object');
    expect(refused(good)).toBe('accepted');
  });
});

describe('isRedbError narrows to a code and its data', () => {
  const thrown = (e: unknown): unknown => e;

  it('tells redb errors and codes apart at run time', () => {
    const e = thrown(errors.migrateFailed('app', 'DROP TABLE t', 'busy', true));
    expect(isRedbError(e)).toBe(true);
    expect(isRedbError(e, 'REDB_MIGRATE_FAILED')).toBe(true);
    expect(isRedbError(e, 'REDB_REF_NOT_FOUND')).toBe(false);
    expect(isRedbError(e, 'REDB_REF_NOT_FOUND', 'REDB_MIGRATE_FAILED')).toBe(true);
    expect(isRedbError(new Error('REDB_MIGRATE_FAILED'), 'REDB_MIGRATE_FAILED')).toBe(false);
    expect(isRedbError({ code: 'REDB_MIGRATE_FAILED', data: {} }, 'REDB_MIGRATE_FAILED')).toBe(false);
    // A rebuilt error is a RedbError like the one thrown here.
    expect(isRedbError(RedbError.fromJSON(JSON.parse(JSON.stringify(e))), 'REDB_MIGRATE_FAILED')).toBe(true);
  });

  it('types data by code, with no cast at the call site', () => {
    const e = thrown(errors.migrateFailed('app', 'DROP TABLE t', 'busy', true));
    if (!isRedbError(e, 'REDB_MIGRATE_FAILED')) throw new Error('expected REDB_MIGRATE_FAILED');
    expectTypeOf(e.code).toEqualTypeOf<'REDB_MIGRATE_FAILED'>();
    expectTypeOf(e.data.statement).toEqualTypeOf<string>();
    expectTypeOf(e.data.rolledBack).toEqualTypeOf<boolean>();
    expect(e.data.statement).toBe('DROP TABLE t');
    expect(e.data.rolledBack).toBe(true);

    const two = thrown(errors.refNotFound('main'));
    if (isRedbError(two, 'REDB_REF_NOT_FOUND', 'REDB_DB_NOT_FOUND')) {
      expectTypeOf(two.code).toEqualTypeOf<'REDB_REF_NOT_FOUND' | 'REDB_DB_NOT_FOUND'>();
      // Comparing the code narrows the data further.
      if (two.code === 'REDB_DB_NOT_FOUND') expectTypeOf(two.data).toEqualTypeOf<{ db: string }>();
      else expect(two.data.ref).toBe('main');
    }

    expectTypeOf<RedbErrorData<'REDB_LOCKED'>>().toHaveProperty('pid').toEqualTypeOf<number>();
    expectTypeOf<RedbErrorData<'REDB_VERIFY_MISMATCH'>['checks'][number]['match']>().toEqualTypeOf<boolean>();
    expectTypeOf<'REDB_REF_NOT_FOUND'>().toExtend<RedbErrorCode>();
    expectTypeOf<'REDB_NO_SUCH_THING'>().not.toExtend<RedbErrorCode>();
    expectTypeOf(errors.refNotFound.code).toEqualTypeOf<'REDB_REF_NOT_FOUND'>();
    // @ts-expect-error a code not in the map is a type error
    isRedbError(two, 'REDB_NO_SUCH_THING');
  });
});
