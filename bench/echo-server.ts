// The baseline: a minimal Node Unix-socket server (no dependencies) that speaks just enough of
// the framing to be compared with rtnld. It is the ceiling any Node daemon has on this socket.
//
//   echo-server.ts --socket PATH --reply-size N [--reply-type T]
//       cuts requests at nlmsg_len and answers each with one N-byte message (type T, default
//       RTM_NEWLINK; 2 = an ACK with error 0; the request's seq); the replies to everything that
//       arrived in one read go out in one write.
//   echo-server.ts --socket PATH --replay FILE [--chunk 32768]
//       answers each request by writing FILE (a recorded dump) in `chunk`-sized slices of one
//       buffer, keeping at most 1 MiB queued in Node (the daemon's own high-water mark).
//
// Prints "ready" on stdout once listening; exits on SIGTERM/SIGINT.
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';

const args = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const path = opt('socket');
if (!path) {
  process.stderr.write('usage: echo-server.ts --socket PATH (--reply-size N | --replay FILE [--chunk BYTES])\n');
  process.exit(2);
}
const replySize = Number(opt('reply-size') ?? 0);
const replayFile = opt('replay');
const chunk = Number(opt('chunk') ?? 32 * 1024);
const HIGH_WATER = 1024 * 1024;

const template = Buffer.alloc(Math.max(replySize, 16));
template.writeUInt32LE(replySize, 0);
// RTM_NEWLINK by default; --reply-type 2 makes each reply an ACK (NLMSG_ERROR, error 0).
template.writeUInt16LE(Number(opt('reply-type') ?? 16), 4);
const recorded = replayFile ? readFileSync(replayFile) : undefined;

/** Cuts a stream at nlmsg_len; calls back with the offset of each complete request. */
class Frames {
  private pending: Buffer | undefined;

  push(data: Buffer, each: (buf: Buffer, at: number) => void): void {
    let buf = data;
    if (this.pending) {
      buf = Buffer.concat([this.pending, data]);
      this.pending = undefined;
    }
    let p = 0;
    while (buf.length - p >= 16) {
      const len = buf.readUInt32LE(p);
      const next = p + ((len + 3) & ~3);
      if (len < 16 || buf.length < p + len) break;
      each(buf, p);
      p = Math.min(next, buf.length);
    }
    if (p < buf.length) this.pending = Buffer.from(buf.subarray(p));
  }
}

function echo(socket: Socket): void {
  const frames = new Frames();
  const seqs: number[] = [];
  socket.on('data', (data: Buffer) => {
    seqs.length = 0;
    frames.push(data, (buf, at) => seqs.push(buf.readUInt32LE(at + 8)));
    if (seqs.length === 0) return;
    const out = Buffer.allocUnsafe(seqs.length * replySize);
    for (let i = 0; i < seqs.length; i++) {
      const at = i * replySize;
      template.copy(out, at);
      out.writeUInt32LE(seqs[i]!, at + 8);
    }
    socket.write(out);
  });
}

function replay(socket: Socket, dump: Buffer): void {
  const frames = new Frames();
  let queued = 0;
  let offset = 0;
  let streaming = false;
  const pump = () => {
    while (socket.writableLength <= HIGH_WATER && !socket.destroyed) {
      if (offset >= dump.length) {
        if (queued === 0) {
          streaming = false;
          return;
        }
        queued--;
        offset = 0;
      }
      const end = Math.min(offset + chunk, dump.length);
      socket.write(dump.subarray(offset, end));
      offset = end;
    }
  };
  socket.on('drain', () => {
    if (streaming) pump();
  });
  socket.on('data', (data: Buffer) => {
    frames.push(data, () => queued++);
    if (!streaming && queued > 0) {
      queued--;
      offset = 0;
      streaming = true;
      pump();
    }
  });
}

rmSync(path, { force: true });
const server = createServer((socket) => {
  socket.on('error', () => {});
  if (recorded) replay(socket, recorded);
  else echo(socket);
});
server.listen(path, () => process.stdout.write('ready\n'));
const stop = () => {
  server.close();
  rmSync(path, { force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
