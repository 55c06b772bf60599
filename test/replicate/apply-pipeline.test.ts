import { describe, expect, it } from 'vitest';
import { ApplyPipeline } from '../../src/replicate/apply-pipeline.js';

/** The target writes of a job run one at a time, in order, a bounded number queued, and nothing runs after a failure. */

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('apply pipeline', () => {
  it('runs writes one at a time in the order they were queued', async () => {
    const pipe = new ApplyPipeline(2);
    const log: string[] = [];
    let running = 0;
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      pipe.push(async () => {
        running++;
        expect(running).toBe(1);
        await tick();
        log.push(name);
        running--;
      });
      await pipe.room();
    }
    await pipe.drain();
    expect(log).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('holds no more than its depth of writes, the running one included', async () => {
    const pipe = new ApplyPipeline(1);
    const gates: (() => void)[] = [];
    const held = () => new Promise<void>((resolve) => gates.push(resolve));
    for (let i = 0; i < 3; i++) pipe.push(held);
    let roomy = false;
    const waiting = pipe.room().then(() => (roomy = true));
    await tick();
    // Three held: more than the depth of one until two have ended.
    expect(roomy).toBe(false);
    gates.shift()?.();
    await tick();
    expect(roomy).toBe(false);
    gates.shift()?.();
    await tick();
    expect(roomy).toBe(true);
    await waiting;
    gates.shift()?.();
    await pipe.drain();
  });

  it('skips what was queued after a failed write (a commit behind it never runs) and throws the failure', async () => {
    const pipe = new ApplyPipeline(4);
    const ran: string[] = [];
    pipe.push(async () => void ran.push('write 1'));
    pipe.push(async () => {
      throw new Error('refused by the target');
    });
    pipe.push(async () => void ran.push('commit'));
    await expect(pipe.drain()).rejects.toThrow('refused by the target');
    expect(ran).toEqual(['write 1']);
    // Empty and healthy after: the next transaction's writes run.
    pipe.push(async () => void ran.push('next'));
    await pipe.drain();
    expect(ran).toEqual(['write 1', 'next']);
  });

  it('settles without throwing, for a rollback after a failure', async () => {
    const pipe = new ApplyPipeline(4);
    pipe.push(async () => {
      throw new Error('gone');
    });
    const failure = await pipe.settle();
    expect(String((failure?.error as Error).message)).toBe('gone');
    await pipe.drain();
  });
});
