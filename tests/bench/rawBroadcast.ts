import http from 'node:http';
import { Server } from 'socket.io';

// The fan-out baseline: a bare Socket.IO server in its own process, as a Concord node is. A
// client's "change" (the payload of one of Concord's log entries) goes to every other socket
// as "session:entry", then the sender gets its ack: what Concord does for a change, minus
// Concord (no token, no rules, no Redis). Prints "port N" when it listens.

const server = http.createServer();
const io = new Server(server, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('change', (payload: unknown, ack: unknown) => {
    socket.broadcast.emit('session:entry', payload);
    if (typeof ack === 'function') {
      (ack as (r: unknown) => void)({ ok: true });
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`port ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
