import { connect, createServer, type Server, type Socket } from 'node:net';

/** A node for the shaper's specs on 127.0.0.1, driven by the first line each client sends. */
export interface TestUpstream {
  port: number;
  /** Bytes the latest `flood` connection's socket accepted. */
  flooded(): number;
  close(): Promise<void>;
}

/**
 * Commands: `send N` (write N bytes), `recv N` (read N more bytes, then
 * write `k`), `echo` (echo what follows), `flood` (write as fast as the
 * socket takes it, 64 MiB at most).
 */
export async function testUpstream(): Promise<TestUpstream> {
  let flooded = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    let line = '';
    const onData = (b: Buffer): void => {
      line += b.toString('latin1');
      const nl = line.indexOf('\n');
      if (nl < 0) return;
      s.off('data', onData);
      const [command, arg] = line.slice(0, nl).split(' ');
      const rest = Buffer.from(line.slice(nl + 1), 'latin1');
      run(s, command ?? '', Number(arg), rest, (n) => (flooded = n));
    };
    s.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    flooded: () => flooded,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function run(s: Socket, command: string, n: number, rest: Buffer, flooded: (n: number) => void): void {
  if (command === 'send') s.write(Buffer.alloc(n, 7));
  else if (command === 'recv') {
    let got = rest.length;
    const check = (): void => {
      if (got >= n) s.write('k');
    };
    s.on('data', (b: Buffer) => {
      got += b.length;
      check();
    });
    check();
  } else if (command === 'echo') {
    if (rest.length) s.write(rest);
    s.on('data', (b: Buffer) => s.write(b));
  } else if (command === 'flood') {
    const chunk = Buffer.alloc(1 << 20);
    let sent = 0;
    const more = (): void => {
      while (sent < 64 << 20) {
        sent += chunk.length;
        flooded(sent);
        if (!s.write(chunk)) return void s.once('drain', more);
      }
    };
    more();
  }
}

/** A client socket with what it received counted. */
export interface Client {
  socket: Socket;
  received(): number;
  /** performance.now() of the last byte received. */
  lastAt(): number;
  /** Whether it saw the connection close. */
  closed(): boolean;
}

/** Connect to `host:port` and count what arrives. */
export async function client(host: string, port: number): Promise<Client> {
  const socket = connect({ host, port });
  await new Promise<void>((done, fail) => {
    socket.once('connect', done);
    socket.once('error', fail);
  });
  let received = 0;
  let lastAt = 0;
  let closed = false;
  socket.on('data', (b: Buffer) => {
    received += b.length;
    lastAt = performance.now();
  });
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  return { socket, received: () => received, lastAt: () => lastAt, closed: () => closed };
}
