import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

/** The throwaway NATS server of scripts/test-servers.sh (real server, loopback): it runs, with JetStream on. */
function natsUrl(): URL {
  const url = process.env.REDB_TEST_NATS_URL;
  if (url === undefined || url === '')
    throw new Error('REDB_TEST_NATS_URL is not set: run the tests with `npm test`, or `eval "$(scripts/test-servers.sh start nats)"` first');
  return new URL(url);
}

describe('nats-server (needs REDB_TEST_NATS_URL)', () => {
  it('answers on loopback with an INFO line that has JetStream enabled', async () => {
    const url = natsUrl();
    expect(url.protocol).toBe('nats:');
    expect(url.hostname).toBe('127.0.0.1');
    const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
        const nl = text.indexOf('\r\n');
        if (nl < 0) return;
        socket.destroy();
        const line = text.slice(0, nl);
        if (!line.startsWith('INFO ')) reject(new Error(`not a NATS INFO line: ${line}`));
        else resolve(JSON.parse(line.slice(5)) as Record<string, unknown>);
      });
      socket.on('error', reject);
    });
    expect(info.jetstream).toBe(true);
    expect(typeof info.version).toBe('string');
  });
});
