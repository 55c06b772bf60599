/**
 * One text per JSON document, for verify to compare documents that engines spell differently:
 * PostgreSQL's jsonb and MySQL's JSON reorder keys, drop spaces, keep the last of duplicate keys
 * and respell numbers (`1.0`, `2e3`). Keys are sorted, the last duplicate wins, strings are
 * re-escaped one way, and numbers are written as exact decimals (digits and an exponent), never
 * through a double: 12345678901234567891 and 12345678901234567890 stay apart. Text that is no
 * JSON is returned as it is.
 */
export function canonicalJson(text: string): string {
  try {
    const parser = new Parser(text);
    const value = parser.value();
    parser.end();
    return value;
  } catch {
    return text;
  }
}

/** `-12.50e1` → `-125e0`: the digits without leading or trailing zeros, and the power of ten of the last. */
function numberText(token: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (m === null) throw new Error(`bad number ${token}`);
  const fraction = m[3] ?? '';
  let digits = `${m[2]}${fraction}`.replace(/^0+/, '');
  let exponent = BigInt(m[4] ?? '0') - BigInt(fraction.length);
  if (digits === '') return '0';
  const zeros = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - zeros);
  exponent += BigInt(zeros);
  return `${m[1]}${digits}e${exponent}`;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  end(): void {
    this.space();
    if (this.at !== this.text.length) throw new Error('trailing text');
  }

  value(): string {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return JSON.stringify(this.string());
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return word;
      }
    }
    const m = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.at;
    const found = m.exec(this.text);
    if (found === null) throw new Error(`unexpected ${c ?? 'end'}`);
    this.at += found[0].length;
    return numberText(found[0]);
  }

  private object(): string {
    this.at++;
    const members = new Map<string, string>();
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return '{}';
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') throw new Error('expected a key');
      const key = this.string();
      this.space();
      if (this.text[this.at++] !== ':') throw new Error('expected :');
      members.set(key, this.value());
      this.space();
      const c = this.text[this.at++];
      if (c === '}') break;
      if (c !== ',') throw new Error('expected , or }');
    }
    const keys = [...members.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${members.get(k) as string}`).join(',')}}`;
  }

  private array(): string {
    this.at++;
    const items: string[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return '[]';
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const c = this.text[this.at++];
      if (c === ']') break;
      if (c !== ',') throw new Error('expected , or ]');
    }
    return `[${items.join(',')}]`;
  }

  /** A string token's value (JSON.parse reads its escapes). */
  private string(): string {
    const start = this.at;
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === '\\' ? 2 : 1;
    if (this.at >= this.text.length) throw new Error('unterminated string');
    this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  private space(): void {
    while (WHITESPACE.has(this.text[this.at] as string)) this.at++;
  }
}
