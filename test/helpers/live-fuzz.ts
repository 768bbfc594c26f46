import { NLMSG_ERROR } from '../../protocol/constants.js';
import { fixture, hex } from './fixtures.js';
import { TestClient } from './nl-client.js';

/**
 * Fuzzes a live daemon: many connections at once send pipelined, well-framed messages — kernel
 * captures with mutated bodies, and random rtnetlink frames, some shortened to any length and
 * then sent without their padding (TRANSPORT.md, Framing), all in writes cut at random points —
 * each asking for an ACK, so every one must get at least one reply with its seq and no connection
 * may close. Separate connections send undelimitable frames, which must only close those
 * connections. Returns counts for reporting.
 */
const SEEDS = ['newlink-veth', 'newlink-bridge', 'newlink-ifb', 'setlink-enslave', 'setlink-release', 'dellink-veth',
  'error-mtu-policy', 'error-ifname-too-long', 'dump-strict-error', 'getlink-veth-down', 'setlink-veth-up', 'setlink-lo-up'];

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

export function fuzzMessage(rand: () => number, seq: number, seeds: Buffer[]): Buffer {
  let b: Buffer;
  if (rand() < 0.6) {
    b = Buffer.from(seeds[Math.floor(rand() * seeds.length)]!);
    const edits = Math.floor(rand() * 6);
    for (let i = 0; i < edits; i++) b[16 + Math.floor(rand() * (b.length - 16))] = Math.floor(rand() * 256);
  } else {
    const len = 16 + Math.floor(rand() * 120);
    b = Buffer.alloc(len);
    for (let i = 16; i < len; i++) b[i] = Math.floor(rand() * 256);
    b.writeUInt16LE(16 + Math.floor(rand() * 10), 4);
    b.writeUInt16LE(Math.floor(rand() * 0x10000), 6);
  }
  // A body shortened to any length: nlmsg_len need not be a multiple of 4.
  if (rand() < 0.3) b = b.subarray(0, 16 + Math.floor(rand() * (b.length - 15)));
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(b.readUInt16LE(6) | 0x5, 6); // REQUEST|ACK: every message is answered
  b.writeUInt32LE(seq, 8);
  if (rand() < 0.5) return Buffer.from(b); // sent as a kernel client sends it: no padding after it
  const padded = Buffer.alloc((b.length + 3) & ~3);
  b.copy(padded);
  return padded;
}

/** Cuts a byte stream into writes at random points. */
function randomWrites(rand: () => number, stream: Buffer): Buffer[] {
  const writes: Buffer[] = [];
  for (let at = 0; at < stream.length;) {
    const n = 1 + Math.floor(rand() * 512);
    writes.push(stream.subarray(at, at + n));
    at += n;
  }
  return writes;
}

export async function fuzzLiveDaemon(path: string, opts: { connections: number; perConnection: number; seed: number }): Promise<{ sent: number; garbageConnections: number }> {
  const seeds = SEEDS.map((n) => hex(fixture(n).request!));
  const rand = rng(opts.seed);
  // Undelimitable frames on their own connections, sent first (the daemon and this client may share
  // one event loop, so frames written after the whole pipeline would wait behind it): answered
  // with -EINVAL, then closed.
  const garbage = await Promise.all(Array.from({ length: Math.max(1, opts.connections >> 2) }, () => TestClient.connect(path)));
  for (const g of garbage) {
    const b = Buffer.alloc(16);
    b.writeUInt32LE(Math.floor(rand() * 16), 0);
    g.send(b);
  }
  const clients = await Promise.all(Array.from({ length: opts.connections }, () => TestClient.connect(path)));
  const work = clients.map(async (c, ci) => {
    const msgs = Array.from({ length: opts.perConnection }, (_, i) => fuzzMessage(rand, ci * 1_000_000 + i + 1, seeds));
    for (const w of randomWrites(rand, Buffer.concat(msgs))) c.send(w);
    const want = new Set(msgs.map((m) => m.readUInt32LE(8)));
    await c.waitFor((r) => {
      for (const m of r) if (m.type === NLMSG_ERROR || m.type === 3) want.delete(m.seq);
      return want.size === 0;
    }, 120_000);
    if (c.closed) throw new Error(`fuzz connection ${ci} was closed by the daemon`);
    c.close();
  });
  await Promise.all(garbage.map((g) => g.waitFor(() => g.closed, 10_000)));
  await Promise.all(work);
  return { sent: opts.connections * opts.perConnection, garbageConnections: garbage.length };
}
