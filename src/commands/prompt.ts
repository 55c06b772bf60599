import { errors } from '../errors.js';
import type { Io } from './output.js';

/**
 * Asks for a passphrase on the terminal without echoing it; undefined where there is no terminal
 * (CI, agents), where REDB_PASSPHRASE is the way in.
 */
export function passphrasePrompt(io: Io): ((question: string) => Promise<string>) | undefined {
  if (!io.interactive || typeof process.stdin.setRawMode !== 'function') return undefined;
  return (question) =>
    new Promise((resolve, reject) => {
      const stdin = process.stdin;
      // No echo from the first key: raw mode before the question, or a fast typist's answer shows.
      stdin.setRawMode(true);
      process.stderr.write(question);
      let typed = '';
      const finish = (then: () => void) => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
        process.stderr.write('\n');
        then();
      };
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish(() => resolve(typed));
          if (ch === '\u0003' || ch === '\u0004') return finish(() => reject(errors.aborted('passphrase entry')));
          typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
        }
      };
      stdin.resume();
      stdin.on('data', onData);
    });
}
