/**
 * `server` agent: an HTTP/1.1 keep-alive server answering every request with
 * `responseBytes` bytes. Args: `{ port, responseBytes, keepAliveTimeoutMs? }` (idle keep-alive
 * connections are closed after 120 s unless `keepAliveTimeoutMs` says otherwise). Prints `ready` once listening and
 * a `result` with the number of requests served when stopped.
 */
import { createServer } from 'node:http';
import { agentArgs, emit, onStop } from './protocol.js';

interface ServerArgs {
  port: number;
  responseBytes: number;
  keepAliveTimeoutMs?: number;
}

const args = agentArgs<ServerArgs>('server');
const body = Buffer.alloc(args.responseBytes, 'x');
let served = 0;
let socketErrors = 0;

const server = createServer((_req, res) => {
  served += 1;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = args.keepAliveTimeoutMs ?? 120_000;
server.headersTimeout = server.keepAliveTimeout + 10_000;
server.requestTimeout = 0;
server.on('connection', (socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {
    socketErrors += 1;
  });
});
server.on('clientError', (_err, socket) => socket.destroy());
server.listen(args.port, '0.0.0.0', () => emit({ event: 'ready', port: args.port }));

onStop(() => {
  emit({ event: 'result', served, socketErrors });
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
});
