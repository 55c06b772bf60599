/**
 * The pg driver, loaded on use. On import pg asks whether it runs in a Cloudflare Worker: where
 * `navigator` is missing (Node 20; Node 21 and later define it) it builds a fetch `Response` to find
 * out, which loads Node's whole fetch implementation (undici) — a cost of the order of the catalog
 * read of a small database, on every command that connects. A `navigator` present for the import
 * alone answers the question as Node 21 would, and is taken away again.
 */
export async function loadPg(): Promise<typeof import('pg').default> {
  const global = globalThis as { navigator?: unknown };
  if (global.navigator !== undefined) return (await import('pg')).default;
  global.navigator = { userAgent: `Node.js/${process.versions.node.split('.')[0] ?? ''}` };
  try {
    return (await import('pg')).default;
  } finally {
    delete global.navigator;
  }
}
