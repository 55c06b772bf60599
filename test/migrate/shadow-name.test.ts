import { describe, expect, it } from 'vitest';
import { isStaleShadow, parseShadowName, shadowName, shadowPrefix, STALE_AFTER_MS } from '../../src/adapters/shadow-name.js';

describe('when a shadow database is stale (the rule the next rehearsal drops by)', () => {
  const here = 'abc123';
  const now = Date.UTC(2025, 0, 1);
  /** Only pid 1 runs. */
  const alive = (pid: number) => pid === 1;

  it('names a shadow after its target, its creation time, its machine and process, within every engine’s name limit', () => {
    const name = shadowName('app', now, { host: here, pid: 4_194_304 });
    expect(name.startsWith(shadowPrefix('app'))).toBe(true);
    expect(name.length).toBeLessThanOrEqual(48);
    expect(parseShadowName(name)).toEqual({ created: now, host: here, pid: 4_194_304 });
  });

  it('drops one whose creator on this machine is gone, and nobody is connected to', () => {
    expect(isStaleShadow(shadowName('app', now, { host: here, pid: 77 }), false, now, here, alive)).toBe(true);
  });

  it('keeps one with a session on it, whatever else', () => {
    expect(isStaleShadow(shadowName('app', now - 2 * STALE_AFTER_MS, { host: here, pid: 77 }), true, now, here, alive)).toBe(false);
  });

  it('keeps one whose creator still runs, until it has been abandoned for the margin', () => {
    expect(isStaleShadow(shadowName('app', now, { host: here, pid: 1 }), false, now, here, alive)).toBe(false);
    expect(isStaleShadow(shadowName('app', now - STALE_AFTER_MS, { host: here, pid: 1 }), false, now, here, alive)).toBe(true);
  });

  it('keeps one made on another machine (its process cannot be seen) until the margin has passed', () => {
    expect(isStaleShadow(shadowName('app', now - 60_000, { host: 'ffffff', pid: 77 }), false, now, here, alive)).toBe(false);
    expect(isStaleShadow(shadowName('app', now - STALE_AFTER_MS - 1, { host: 'ffffff', pid: 77 }), false, now, here, alive)).toBe(true);
  });

  it('never touches a name it did not make (an older redb’s, or anyone else’s)', () => {
    expect(isStaleShadow(`${shadowPrefix('app')}0123abcd`, false, now, here, alive)).toBe(false);
    expect(isStaleShadow('redb_shadow_notours', false, now, here, alive)).toBe(false);
  });
});
