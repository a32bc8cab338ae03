// A TCP proxy between a portal and PostgreSQL, to take the database away and bring it back:
// cut() drops every connection and refuses new ones, blackhole() accepts connections but never
// answers, cutWhen() drops everything the moment the portal sends a matching message (mid-transaction),
// restore() lets traffic through again.
import net, { type AddressInfo, type Socket } from 'node:net';

export type TcpProxy = {
  port: number;
  /** The database URL with the proxy in place of the server. */
  urlFor(databaseUrl: string): string;
  cut(): void;
  blackhole(): void;
  /** Open connections stay open but nothing passes any more, either way (a partition); new ones are black-holed. */
  freeze(): void;
  restore(): void;
  /** Cuts (as cut()) when a chunk from the portal contains `marker`; resolves when it happened. */
  cutWhen(marker: string): Promise<void>;
  /** Connections currently open through the proxy. */
  open(): number;
  close(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'open' | 'refuse' | 'blackhole' = 'open';
  let frozen = false;
  let trigger: { marker: Buffer; fire: () => void } | null = null;
  const pairs = new Set<[Socket, Socket | null]>();

  const dropAll = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream?.destroy();
    }
    pairs.clear();
  };

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') {
      const pair: [Socket, Socket | null] = [client, null];
      pairs.add(pair);
      client.on('close', () => pairs.delete(pair));
      client.on('data', () => {}); // swallowed: no answer, ever
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [Socket, Socket | null] = [client, upstream];
    pairs.add(pair);
    upstream.on('error', () => client.destroy());
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (trigger && chunk.includes(trigger.marker)) {
        const fire = trigger.fire;
        trigger = null;
        mode = 'refuse';
        dropAll();
        fire();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!frozen) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    urlFor(databaseUrl) {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      mode = 'refuse';
      dropAll();
    },
    blackhole() {
      mode = 'blackhole';
      dropAll();
    },
    freeze() {
      frozen = true;
      mode = 'blackhole';
    },
    restore() {
      mode = 'open';
      frozen = false;
      dropAll(); // blackholed sockets go; the portal reconnects
    },
    cutWhen(marker) {
      return new Promise<void>((resolve) => {
        trigger = { marker: Buffer.from(marker), fire: resolve };
      });
    },
    open: () => pairs.size,
    async close() {
      trigger = null;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
