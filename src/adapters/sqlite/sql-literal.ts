/**
 * SQLite's quote() spelling of values, joined by commas, read back exactly: integers as bigint (as
 * the rows plane reads them), reals as numbers (quote() prints enough digits to round-trip, or
 * 9.0e+999 for infinities), text, blobs as Buffers, NULL as null. It is how capture triggers record
 * keys: every SQLite since 3.0 has quote(), and it loses nothing.
 */

export function parseQuotedList(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  const fail = (): never => {
    throw new Error(`not a list of SQLite literals: ${text.slice(0, 80)}`);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      let out = '';
      i++;
      for (;;) {
        const end = text.indexOf("'", i);
        if (end === -1) fail();
        out += text.slice(i, end);
        if (text[end + 1] === "'") {
          out += "'";
          i = end + 2;
        } else {
          i = end + 1;
          break;
        }
      }
      values.push(out);
    } else if ((c === 'X' || c === 'x') && text[i + 1] === "'") {
      const end = text.indexOf("'", i + 2);
      if (end === -1) fail();
      values.push(Buffer.from(text.slice(i + 2, end), 'hex'));
      i = end + 1;
    } else if (text.startsWith('NULL', i)) {
      values.push(null);
      i += 4;
    } else {
      let end = text.indexOf(',', i);
      if (end === -1) end = text.length;
      const word = text.slice(i, end);
      if (/^-?\d+$/.test(word)) values.push(BigInt(word));
      else if (/^-?\d+(\.\d*)?(e[+-]?\d+)?$/i.test(word)) values.push(Number(word));
      else fail();
      i = end;
    }
    if (i < text.length) {
      if (text[i] !== ',') fail();
      i++;
    }
  }
  return values;
}
