// Small helpers shared by the benchmarks: run commands side by side, report medians.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Wall time of one run of a command, in milliseconds. */
export function timeOnce(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Run every case `runs` times, interleaved (case A, B, C, A, B, C, ...) so that load on a shared
 * machine falls on all of them alike; report the median of each.
 */
export function sideBySide(cases, runs) {
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) cases.forEach((c, k) => times[k].push(timeOnce(c.cmd, c.args, c.options)));
  return cases.map((c, k) => ({ name: c.name, median: median(times[k]), min: Math.min(...times[k]) }));
}

export function printTable(title, rows, baseline) {
  console.log(`\n${title}`);
  const base = baseline === undefined ? undefined : rows.find((r) => r.name === baseline)?.median;
  for (const r of rows) {
    const ratio = base === undefined ? '' : `  ${(r.median / base).toFixed(2)}×`;
    console.log(`  ${r.name.padEnd(38)} median ${r.median.toFixed(1).padStart(8)} ms   min ${r.min.toFixed(1).padStart(8)} ms${ratio}`);
  }
}
