import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a PostgreSQL server that loses a connection the worst way a network can:
 * right after the server has committed, before the client hears of it. It watches each client's
 * simple-protocol queries; on a connection to `database` that has run DDL, the first COMMIT is passed
 * on to the server, and when the server answers, both sides are cut instead of the answer delivered.
 */
export interface CommitCutter {
  /** `url` with its host and port pointing at the proxy. */
  readonly url: string;
  /** How many connections were cut so far. */
  cuts(): number;
  close(): Promise<void>;
}

/** Simple-protocol query messages ('Q', length, text, NUL) found in a chunk of client bytes. */
function* queries(buffer: Buffer): Generator<string> {
  let i = 0;
  while (i + 5 <= buffer.length) {
    const type = buffer[i];
    const length = buffer.readUInt32BE(i + 1);
    if (type === 0x51 && i + 1 + length <= buffer.length)
      yield buffer
        .subarray(i + 5, i + length)
        .toString('utf8')
        .replace(/\0$/, '');
    i += 1 + length;
  }
}

/** What a proxy does with one connection's bytes; each connection gets its own (its own state). */
export interface ProxyConnection {
  /** Sees each chunk the client sends, before it is passed on to the server. */
  fromClient?(chunk: Buffer): void;
  /** Each chunk the server sends: `deliver` it to the client (the default), hold it for later, or `cut` both sides. */
  fromServer?(chunk: Buffer, deliver: () => void, cut: () => void): void;
}

/** A TCP proxy on 127.0.0.1 in front of the server of `url`; its `url` is `url` pointing at the proxy. */
export async function pgProxy(url: string, connection: () => ProxyConnection): Promise<{ readonly url: string; close(): Promise<void> }> {
  const upstream = new URL(url);
  const server: Server = createServer((client: Socket) => {
    const backend = connect(Number(upstream.port || 5432), upstream.hostname);
    const hooks = connection();
    const end = () => {
      client.destroy();
      backend.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      hooks.fromClient?.(chunk);
      backend.write(chunk);
    });
    backend.on('data', (chunk: Buffer) => {
      const deliver = () => client.write(chunk);
      if (hooks.fromServer === undefined) deliver();
      else hooks.fromServer(chunk, deliver, end);
    });
    client.on('error', end);
    backend.on('error', end);
    client.on('close', end);
    backend.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(typeof address === 'object' && address !== null ? address.port : 0);
  return { url: proxied.toString(), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function commitCutter(url: string, database: string): Promise<CommitCutter> {
  let cut = 0;
  const proxy = await pgProxy(url, () => {
    let started = false;
    let target = false;
    let ddl = false;
    let cutting = false;
    return {
      fromClient(chunk) {
        if (!started) {
          // The startup message: length, protocol, then key/value pairs, one of them the database.
          const fields = chunk.subarray(8).toString('utf8').split('\0');
          const at = fields.indexOf('database');
          target = at >= 0 && fields[at + 1] === database;
          started = true;
        } else if (target && !cutting) {
          for (const sql of queries(chunk)) {
            // Changes to the schema, not a sweep of databases (DROP DATABASE) on the way.
            if (/^\s*(CREATE|ALTER|DROP)\s+(TABLE|INDEX|VIEW|SEQUENCE|TYPE|FUNCTION|SCHEMA)\b/i.test(sql)) ddl = true;
            if (ddl && /^\s*COMMIT\s*$/i.test(sql)) cutting = true;
          }
        }
      },
      fromServer(_chunk, deliver, end) {
        if (!cutting) return deliver();
        cut++;
        end();
      },
    };
  });
  return { url: proxy.url, cuts: () => cut, close: () => proxy.close() };
}
