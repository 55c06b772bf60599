import type { SignatureCheck } from '../repo/signature-check.js';
import { paint, type Io } from './output.js';

/** One line per signature, in the spirit of git's `Good "git" signature for ...`. */
export function signatureLine(io: Io, s: SignatureCheck): string {
  switch (s.status) {
    case 'verified':
      return paint.green(io, `Signature: verified, ${s.reason}; Ed25519 + ML-DSA-65`);
    case 'untrusted':
      return paint.yellow(io, `Signature: untrusted, ${s.reason}`);
    case 'incomplete':
      return paint.yellow(io, `Signature: incomplete, ${s.reason}`);
    case 'bad':
      return paint.red(io, `Signature: BAD, ${s.reason}`);
    case 'unsigned':
      return paint.dim(io, 'Signature: none');
  }
}

/** A one-letter mark for --oneline, as git's %G?: G good, U untrusted, X incomplete, B bad, N none. */
export function signatureMark(io: Io, s: SignatureCheck): string {
  const marks = {
    verified: paint.green(io, 'G'),
    untrusted: paint.yellow(io, 'U'),
    incomplete: paint.yellow(io, 'X'),
    bad: paint.red(io, 'B'),
    unsigned: paint.dim(io, 'N'),
  } as const;
  return marks[s.status];
}
