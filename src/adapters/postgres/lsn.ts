/**
 * Log sequence numbers: 64-bit positions in the write-ahead log, spelt as PostgreSQL spells them
 * (`16/B374D848`: the high and low 32 bits in upper-case hex). Pure functions, no driver.
 */

const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

export function parseLsn(text: string): bigint | undefined {
  const m = LSN.exec(text);
  if (m === null) return undefined;
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export const compareLsn = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Microseconds since 2000-01-01 UTC (PostgreSQL's epoch) as ISO 8601 with all six digits. */
export function pgTimestamp(micros: bigint): string {
  const unixMicros = micros + 946_684_800_000_000n;
  const millis = unixMicros / 1000n;
  const rest = Number(((unixMicros % 1000n) + 1000n) % 1000n);
  const iso = new Date(Number(millis - (unixMicros < 0n && rest !== 0 ? 1n : 0n))).toISOString();
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}

/** Now, in microseconds since PostgreSQL's epoch, for status updates. */
export const pgNow = (): bigint => BigInt(Date.now()) * 1000n - 946_684_800_000_000n;
