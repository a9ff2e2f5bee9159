/**
 * One port for gRPC and REST, like the official emulator: the first bytes of each connection
 * decide. An HTTP/2 connection preface goes to the gRPC server, anything else to the HTTP/1.1
 * handler. The sniffed bytes are pushed back onto the socket before it is handed over.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export interface FrontDoor {
  server: net.Server;
  close(): Promise<void>;
}

export async function openFrontDoor(
  host: string,
  port: number,
  grpcServer: grpc.Server,
  onHttp: http.RequestListener,
): Promise<FrontDoor & { port: number }> {
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const httpServer = http.createServer(onHttp);
  // An idle keep-alive connection must be closed by the client, not by us: Node's default of 5 s
  // sits just above undici's (fetch's) 4 s, so on a loaded machine a client reused a socket the
  // server was closing and got ECONNRESET. A minute outlives every client's idle timeout.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      const n = Math.min(chunk.length, HTTP2_PREFACE.length);
      if (chunk.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n))) injector.injectConnection(socket);
      else {
        httpServer.emit('connection', socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    server,
    port: address.port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      injector.destroy();
      for (const socket of sockets) socket.destroy();
      httpServer.close();
      await closed;
    },
  };
}
