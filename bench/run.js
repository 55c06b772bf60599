// npm run bench [-- name ...]: run the benchmarks (all by default) and print their figures.
const available = {
  startup: () => import('./startup.js'),
  pull: () => import('./pull.js'),
  'postgres-pull': () => import('./postgres-pull.js'),
  clone: () => import('./clone.js'),
  'large-values': () => import('./large-values.js'),
  changes: () => import('./changes.js'),
  trust: () => import('./trust.js'),
  replicate: () => import('./replicate.js'),
};
const wanted = process.argv.slice(2);
for (const name of wanted.length === 0 ? Object.keys(available) : wanted) {
  const load = available[name];
  if (load === undefined) {
    console.error(`unknown benchmark '${name}'; available: ${Object.keys(available).join(', ')}`);
    process.exit(1);
  }
  await (await load()).run();
}
