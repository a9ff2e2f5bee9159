/**
 * A TCP relay in front of the emulator whose connections a test can cut, to break the SDKs'
 * streams the way a network failure does (the emulator itself keeps running).
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port to give the SDKs. */
  host: string;
  /** How many client connections it has accepted so far. */
  readonly accepted: number;
  /** Destroys every relayed connection; new ones are still accepted. */
  cutAll(): void;
  close(): Promise<void>;
}

export async function tcpProxy(target: string): Promise<TcpProxy> {
  const i = target.lastIndexOf(':');
  const [targetHost, targetPort] = [target.slice(0, i), Number(target.slice(i + 1))];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(targetPort, targetHost);
    track(client);
    track(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    cutAll: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
