import { lossy } from './ast.js';
import type { Token } from './lex.js';

/** A position in a list of tokens, with the steps every recursive-descent reader takes. */
export class Cursor {
  protected i = 0;

  constructor(protected readonly tokens: readonly Token[]) {}

  protected peek(ahead = 0): Token {
    return this.tokens[this.i + ahead] ?? { t: 'eof' };
  }

  protected next(): Token {
    return this.tokens[this.i++] ?? { t: 'eof' };
  }

  /** The upper-cased keyword at the cursor, if the token is a bare word or an operator. */
  protected key(ahead = 0): string | undefined {
    const t = this.peek(ahead);
    return t.t === 'word' && !t.quoted ? t.text.toUpperCase() : t.t === 'op' ? t.text : undefined;
  }

  protected accept(key: string): boolean {
    if (this.key() !== key) return false;
    this.i++;
    return true;
  }

  protected expect(key: string): void {
    if (!this.accept(key)) lossy(`expected ${key} where ${describe(this.peek())} is written`);
  }

  end(): void {
    if (this.peek().t !== 'eof') lossy(`unexpected ${describe(this.peek())}`);
  }

  protected name(): string {
    const t = this.next();
    if (t.t !== 'word') return lossy(`expected a name, found ${describe(t)}`);
    return t.text;
  }
}

export function describe(t: Token): string {
  return t.t === 'eof' ? 'the end' : t.t === 'string' ? 'a string' : t.t === 'number' ? t.text : t.text;
}
