// Resolve hook: append every module URL resolved to the file REDB_MODULE_LOG names.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.REDB_MODULE_LOG) appendFileSync(process.env.REDB_MODULE_LOG, `${result.url}\n`);
  return result;
}
