// The measuring side of the benchmarks, run by bench/run.ts as its own process (pinned to its own
// CPU). One JSON job on argv[2], one JSON result on stdout. Several targets in one job are
// measured in turn, run after run, so the daemon and its baseline see the same conditions.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { connect, type RouteOptions } from '../src/client/index.js';
import {
  addMembership, addrDumpRequest, delLinkByName, getLinkByIndex, linkDumpRequest, type MessageInfo, newDummy, NLMSG_DONE,
  NLMSG_ERROR, nlConnect, type NlConnection, RTM_NEWADDR, RTM_NEWLINK, setMtuByName,
} from './netlink.js';

export interface Target {
  name: string;
  path: string;
}

export type Job =
  | { mode: 'probe'; path: string; index: number; request?: string }
  | { mode: 'record'; path: string; out: string; what?: DumpWhat }
  | { mode: 'rt'; targets: Target[]; index: number; depth: number; warmupMs: number; runMs: number; runs: number; request?: string; replyType?: number; interleave?: boolean }
  | { mode: 'dump'; targets: Target[]; warmup: number; runs: number; dumpsPerRun: number; what?: DumpWhat; changeFirst?: boolean; interleave?: boolean }
  | { mode: 'cycles'; targets: Target[]; subscribers: number; batch: number; warmupMs: number; runMs: number; runs: number }
  | { mode: 'fanout'; path: string; subscribers: number; changes: number; runs: number }
  | { mode: 'load'; path: string; index: number; connections: number; depth: number; ms: number }
  | { mode: 'latency'; path: string; index: number; delayMs: number; ms: number }
  | { mode: 'insert'; targets: Target[]; count: number; batch: number; base: number }
  | { mode: 'insert-lib'; targets: Target[]; count: number; inFlight: number; lib: 'batch' | 'window'; base: number; rounds: number };

/** What a dump lists: links (RTM_GETLINK) or addresses (RTM_GETADDR, every family). */
export type DumpWhat = 'link' | 'addr';

const DUMPS: Record<DumpWhat, { request: () => Buffer; entry: number }> = {
  link: { request: linkDumpRequest, entry: RTM_NEWLINK },
  addr: { request: addrDumpRequest, entry: RTM_NEWADDR },
};

/** A connection whose message handler can be swapped between phases. */
interface Conn {
  nl: NlConnection;
  on: (m: MessageInfo) => void;
}

async function open(path: string): Promise<Conn> {
  const c: Conn = { nl: undefined as unknown as NlConnection, on: () => {} };
  c.nl = await nlConnect(path, (m) => c.on(m));
  return c;
}

function fail(what: string, m: MessageInfo): Error {
  return new Error(`${what}: unexpected reply type ${m.type} len ${m.len}${m.type === NLMSG_ERROR ? ` error ${m.error}` : ''}`);
}

/** One request, every message up to the expected end; resolves with the messages' lengths. */
function exchange(c: Conn, req: Buffer, until: (m: MessageInfo) => boolean): Promise<number[]> {
  return new Promise((resolve) => {
    const lens: number[] = [];
    c.on = (m) => {
      lens.push(m.len);
      if (until(m)) resolve(lens);
    };
    c.nl.send(req);
  });
}

/**
 * Round trips for `ms`: `depth` GETLINK requests in one write, wait for all `depth` replies,
 * repeat. Returns requests answered per second.
 */
function roundTrips(c: Conn, batch: Buffer, depth: number, ms: number, replyType = RTM_NEWLINK): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    let answered = 0;
    const start = performance.now();
    const deadline = start + ms;
    c.on = (m) => {
      if (m.type !== replyType) return reject(fail(replyType === RTM_NEWLINK ? 'GETLINK' : 'request', m));
      answered++;
      if (++got < depth) return;
      got = 0;
      const now = performance.now();
      if (now >= deadline) resolve(answered / ((now - start) / 1000));
      else c.nl.send(batch);
    };
    c.nl.send(batch);
  });
}

interface DumpRun {
  messages: number;
  bytes: number;
  seconds: number;
}

/** One dump: time from the request to NLMSG_DONE; counts the entries of type `entry` (not DONE). */
function dumpOnce(c: Conn, req: Buffer, entry = RTM_NEWLINK): Promise<DumpRun> {
  return new Promise((resolve, reject) => {
    let messages = 0;
    let bytes = 0;
    const start = performance.now();
    c.on = (m) => {
      if (m.type === NLMSG_DONE) {
        resolve({ messages, bytes, seconds: (performance.now() - start) / 1000 });
      } else if (m.type === entry) {
        messages++;
        bytes += m.len;
      } else {
        reject(fail('dump', m));
      }
    };
    c.nl.send(req);
  });
}

/**
 * NEWLINK (dummy) + DELLINK cycles for `ms`. Each round sends `steps` in turn, each step one
 * write, and waits for its ACKs (`acks[i]`, all error 0) before the next. Returns cycles/s.
 */
function cycles(c: Conn, steps: Buffer[], acks: number[], perRound: number, ms: number): Promise<{ rate: number; cycles: number }> {
  return new Promise((resolve, reject) => {
    let n = 0;
    let step = 0;
    let got = 0;
    const start = performance.now();
    const deadline = start + ms;
    c.on = (m) => {
      if (m.type !== NLMSG_ERROR || m.error !== 0) return reject(fail('NEWLINK/DELLINK', m));
      if (++got < acks[step]!) return;
      got = 0;
      if (++step < steps.length) return c.nl.send(steps[step]!);
      step = 0;
      n += perRound;
      const now = performance.now();
      if (now >= deadline) resolve({ rate: n / ((now - start) / 1000), cycles: n });
      else c.nl.send(steps[0]!);
    };
    c.nl.send(steps[0]!);
  });
}

/**
 * `count` RTM_NEWROUTE (CREATE|EXCL, ACK) of distinct IPv4 /24s from `base` via 100.0.0.2, as
 * bench/kroutes.py builds them, in writes of `batch`.
 */
function routeInsertBatches(count: number, batch: number, base: number): Buffer[] {
  const LEN = 44;
  const out: Buffer[] = [];
  for (let first = 0; first < count; first += batch) {
    const n = Math.min(batch, count - first);
    const b = Buffer.alloc(LEN * n);
    for (let i = 0; i < n; i++) {
      const at = i * LEN;
      b.writeUInt32LE(LEN, at);
      b.writeUInt16LE(24, at + 4); // RTM_NEWROUTE
      b.writeUInt16LE(0x1 | 0x4 | 0x200 | 0x400, at + 6); // REQUEST | ACK | EXCL | CREATE
      b.writeUInt32LE(first + i + 1, at + 8);
      b.set([2, 24, 0, 0, 254, 4, 0, 1], at + 16); // AF_INET /24, main, static, universe, unicast
      b.writeUInt16LE(8, at + 28);
      b.writeUInt16LE(1, at + 30); // RTA_DST
      b.writeUInt32BE((base + (first + i) * 256) >>> 0, at + 32);
      b.writeUInt16LE(8, at + 36);
      b.writeUInt16LE(5, at + 38); // RTA_GATEWAY
      b.set([100, 0, 0, 2], at + 40);
    }
    out.push(b);
  }
  return out;
}

/** Sends the batches one write at a time, each after the previous one's ACKs (all 0). Routes/s and the client's CPU share. */
function insertRoutes(c: Conn, batches: Buffer[], count: number): Promise<{ rate: number; clientCpu: number }> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let got = 0;
    let want = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const send = () => {
      want = batches[next]!.length / 44;
      c.nl.send(batches[next++]!);
    };
    c.on = (m) => {
      if (m.type !== NLMSG_ERROR || m.error !== 0) return reject(fail('RTM_NEWROUTE', m));
      if (++got < want) return;
      got = 0;
      if (next < batches.length) return send();
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      resolve({ rate: count / seconds, clientCpu: (used.user + used.system) / 1e6 / seconds });
    };
    send();
  });
}

/** The same routes as routeInsertBatches() as the typed API takes them (`ip route add 1.2.3.0/24 via 100.0.0.2`). */
function routeOptions(count: number, base: number): RouteOptions[] {
  return Array.from({ length: count }, (_, i) => {
    const v = (base + i * 256) >>> 0;
    return { dst: `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.0/24`, via: '100.0.0.2', protocol: 4 };
  });
}

/**
 * A routing daemon's push through rtnld's own client library (src/client), one ACK per route.
 * `batch` mode: `inFlight` addRoute() calls issued at once (pipelined), awaited together, then the
 * next batch, so client and server take turns. `window` mode: `inFlight` routes outstanding at all
 * times, each ACK releasing the next route, as a client that keeps the server fed does; what
 * limits the rate is then the busier of the two. Routes/s and the client's CPU share.
 */
async function insertWithLibrary(
  path: string, routes: RouteOptions[], inFlight: number, mode: 'batch' | 'window',
): Promise<{ rate: number; clientCpu: number }> {
  const client = await connect(path);
  const cpu = process.cpuUsage();
  const start = performance.now();
  if (mode === 'batch') {
    for (let first = 0; first < routes.length; first += inFlight) {
      const pending: Promise<void>[] = [];
      for (let i = first; i < Math.min(first + inFlight, routes.length); i++) pending.push(client.addRoute(routes[i]!));
      await Promise.all(pending);
    }
  } else {
    let next = 0;
    const lane = async () => {
      while (next < routes.length) await client.addRoute(routes[next++]!);
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await client.close();
  return { rate: routes.length / seconds, clientCpu: (used.user + used.system) / 1e6 / seconds };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isReply = () => true;

/** The request of a round-trip job: GETLINK by index, or the given bytes (hex; e.g. a route get). */
const requestOf = (job: { index: number; request?: string }) => (job.request ? Buffer.from(job.request, 'hex') : getLinkByIndex(job.index));

/** The targets' order in run `r`: as given, or with `interleave` reversed every other run (no target always goes first). */
function turn(n: number, r: number, interleave?: boolean): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  return interleave && r % 2 === 1 ? order.reverse() : order;
}

async function main(): Promise<unknown> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  switch (job.mode) {
    case 'probe': {
      const c = await open(job.path);
      const lens = await exchange(c, requestOf(job), isReply);
      c.nl.close();
      return { replyBytes: lens[0] };
    }
    case 'record': {
      // Records one dump byte for byte (same request, same seq as the measured dumps).
      const chunks: Buffer[] = [];
      const c = await open(job.path);
      const req = DUMPS[job.what ?? 'link'].request();
      const total = await new Promise<{ messages: number; bytes: number }>((resolve) => {
        let messages = 0;
        c.on = (m) => {
          messages++;
          if (m.type === NLMSG_DONE) resolve({ messages, bytes: c.nl.counter.bytes });
        };
        // Copy every read: the counter's buffer is reused.
        const feed = c.nl.counter.feed.bind(c.nl.counter);
        c.nl.counter.feed = (buf: Buffer, end: number) => {
          chunks.push(Buffer.from(buf.subarray(0, end)));
          feed(buf, end);
        };
        c.nl.send(req);
      });
      c.nl.close();
      const all = Buffer.concat(chunks);
      if (all.length !== total.bytes) throw new Error('recording lost bytes');
      writeFileSync(job.out, all);
      return total;
    }
    case 'rt': {
      const conns = await Promise.all(job.targets.map((t) => open(t.path)));
      const one = requestOf(job);
      const batch = Buffer.concat(Array.from({ length: job.depth }, () => one));
      const replyBytes: Record<string, number> = {};
      for (const [i, c] of conns.entries()) {
        const lens = await exchange(c, one, isReply);
        replyBytes[job.targets[i]!.name] = lens[0]!;
        if (!job.interleave) await roundTrips(c, batch, job.depth, job.warmupMs, job.replyType);
      }
      // interleave: the warm-up in slices taken by turns, so that every target is warm when the
      // runs start, whatever else the machine did meanwhile.
      if (job.interleave) for (let t = 0; t < job.warmupMs; t += 250) for (const c of conns) await roundTrips(c, batch, job.depth, 250, job.replyType);
      const runs: Record<string, number[]> = Object.fromEntries(job.targets.map((t) => [t.name, []]));
      for (let r = 0; r < job.runs; r++) {
        for (const i of turn(conns.length, r, job.interleave)) runs[job.targets[i]!.name]!.push(await roundTrips(conns[i]!, batch, job.depth, job.runMs, job.replyType));
      }
      for (const c of conns) c.nl.close();
      return { runs, replyBytes };
    }
    case 'dump': {
      const conns = await Promise.all(job.targets.map((t) => open(t.path)));
      const { request, entry } = DUMPS[job.what ?? 'link'];
      const req = request();
      // changeFirst: lo's MTU changes before every dump, so no dump finds the model as the last one left it.
      let mtu = 65536;
      const dump = (c: Conn) => {
        if (job.changeFirst) c.nl.send(setMtuByName('lo', (mtu = mtu === 65536 ? 65535 : 65536)));
        return dumpOnce(c, req, entry);
      };
      if (job.interleave) for (let w = 0; w < job.warmup; w += 100) for (const c of conns) for (let k = 0; k < 100; k++) await dump(c);
      else for (const c of conns) for (let w = 0; w < job.warmup; w++) await dump(c);
      const runs: Record<string, number[]> = Object.fromEntries(job.targets.map((t) => [t.name, []]));
      const shape: Record<string, { messages: number; bytes: number }> = {};
      for (let r = 0; r < job.runs; r++) {
        for (const i of turn(conns.length, r, job.interleave)) {
          const c = conns[i]!;
          // A run is several dumps back to back, so that a run lasts long enough to time.
          let messages = 0;
          let seconds = 0;
          for (let k = 0; k < job.dumpsPerRun; k++) {
            const d = await dump(c);
            messages += d.messages;
            seconds += d.seconds;
            shape[job.targets[i]!.name] = { messages: d.messages, bytes: d.bytes };
          }
          runs[job.targets[i]!.name]!.push(messages / seconds);
        }
      }
      for (const c of conns) c.nl.close();
      return { runs, shape };
    }
    case 'insert': {
      // One run per target (a route can be added once): the targets in the job's order.
      const batches = routeInsertBatches(job.count, job.batch, job.base);
      const result: Record<string, { rate: number; clientCpu: number }> = {};
      for (const t of job.targets) {
        const c = await open(t.path);
        result[t.name] = await insertRoutes(c, batches, job.count);
        c.nl.close();
      }
      return result;
    }
    case 'insert-lib': {
      // As 'insert', through the client library's typed route API, in `rounds` parts: each target
      // takes its turn per part (the order reversed every other part), so a drift of the machine's
      // speed during the run reaches every target alike. Every target is sent the same routes.
      const routes = routeOptions(job.count, job.base);
      const part = Math.ceil(routes.length / job.rounds);
      const runs: Record<string, { rate: number[]; clientCpu: number[] }> = {};
      for (const t of job.targets) runs[t.name] = { rate: [], clientCpu: [] };
      for (let r = 0; r < job.rounds; r++) {
        for (const i of turn(job.targets.length, r, true)) {
          const t = job.targets[i]!;
          const got = await insertWithLibrary(t.path, routes.slice(r * part, (r + 1) * part), job.inFlight, job.lib);
          runs[t.name]!.rate.push(got.rate);
          runs[t.name]!.clientCpu.push(got.clientCpu);
        }
      }
      return runs;
    }
    case 'cycles': {
      const runs: Record<string, number[]> = {};
      const deliveries: Record<string, { expected: number; delivered: number }> = {};
      for (const t of job.targets) runs[t.name] = [];
      const conns = await Promise.all(job.targets.map((t) => open(t.path)));
      const subs: Conn[][] = [];
      for (const t of job.targets) {
        const list: Conn[] = [];
        for (let s = 0; s < job.subscribers; s++) {
          const sub = await open(t.path);
          const ack = await exchange(sub, addMembership(1), (m) => m.type === NLMSG_ERROR);
          if (ack.length !== 1) throw new Error('ADD_MEMBERSHIP not acknowledged');
          sub.on = () => {};
          list.push(sub);
        }
        subs.push(list);
      }
      // batch 1: NEWLINK, wait for its ACK, DELLINK, wait. batch n: n NEWLINKs then n DELLINKs
      // (distinct names) in one write, then wait for all 2n ACKs.
      const names = Array.from({ length: job.batch }, (_, i) => `bench${i}`);
      const steps = job.batch === 1
        ? [newDummy('bench0'), delLinkByName('bench0')]
        : [Buffer.concat([...names.map((n) => newDummy(n)), ...names.map((n) => delLinkByName(n))])];
      const acks = job.batch === 1 ? [1, 1] : [2 * job.batch];
      const counted = (i: number) => subs[i]!.reduce((a, s) => a + s.nl.counter.messages, 0);
      for (const c of conns) await cycles(c, steps, acks, job.batch, job.warmupMs);
      await sleep(50);
      const done = conns.map(() => 0);
      const before = conns.map((_, i) => counted(i));
      for (let r = 0; r < job.runs; r++) {
        for (const [i, c] of conns.entries()) {
          const res = await cycles(c, steps, acks, job.batch, job.runMs);
          runs[job.targets[i]!.name]!.push(res.rate);
          done[i]! += res.cycles;
        }
      }
      await sleep(100);
      for (const [i, t] of job.targets.entries()) {
        // Linux announces a new (down) dummy with one RTM_NEWLINK and its removal with one
        // RTM_DELLINK: two notifications per cycle per subscriber.
        deliveries[t.name] = { expected: 2 * done[i]! * job.subscribers, delivered: counted(i) - before[i]! };
      }
      for (const c of conns) c.nl.close();
      for (const s of subs.flat()) s.nl.close();
      return { runs, deliveries };
    }
    case 'fanout': {
      // `changes` MTU changes in one write; each notifies every subscriber once. Measured from
      // the write until every subscriber has counted every notification.
      const writer = await open(job.path);
      await exchange(writer, newDummy('fan0'), (m) => m.type === NLMSG_ERROR);
      const subs: Conn[] = [];
      for (let s = 0; s < job.subscribers; s++) {
        const sub = await open(job.path);
        await exchange(sub, addMembership(1), (m) => m.type === NLMSG_ERROR);
        sub.on = () => {};
        subs.push(sub);
      }
      const requests = Buffer.concat(Array.from({ length: job.changes }, (_, i) => setMtuByName('fan0', 1000 + (i % 2))));
      const runs: number[] = [];
      for (let r = 0; r < job.runs + 1; r++) {
        const base = subs.map((s) => s.nl.counter.messages);
        const t0 = performance.now();
        writer.nl.send(requests);
        while (subs.some((s, i) => s.nl.counter.messages - base[i]! < job.changes)) await new Promise((res) => setImmediate(res));
        const seconds = (performance.now() - t0) / 1000;
        if (r > 0) runs.push((job.changes * job.subscribers) / seconds); // the first run warms up
      }
      writer.nl.close();
      for (const s of subs) s.nl.close();
      return { runs };
    }
    case 'load': {
      // `connections` clients, each keeping a pipeline of `depth` GETLINKs in flight for `ms`.
      const conns = await Promise.all(Array.from({ length: job.connections }, () => open(job.path)));
      const batch = Buffer.concat(Array.from({ length: job.depth }, () => getLinkByIndex(job.index)));
      const rates = await Promise.all(conns.map((c) => roundTrips(c, batch, job.depth, job.ms)));
      for (const c of conns) c.nl.close();
      return { requestsPerSecond: rates.reduce((a, b) => a + b, 0) };
    }
    case 'latency': {
      // One GETLINK at a time for `ms` (after `delayMs`, while a load job runs beside it): each round trip's time.
      const c = await open(job.path);
      const req = getLinkByIndex(job.index);
      await sleep(job.delayMs);
      const times: number[] = [];
      const end = performance.now() + job.ms;
      while (performance.now() < end) {
        const t0 = performance.now();
        await exchange(c, req, isReply);
        times.push(performance.now() - t0);
      }
      c.nl.close();
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
      return { count: times.length, p50: at(0.5), p99: at(0.99), max: times.at(-1)! };
    }
    default:
      throw new Error(`unknown job ${JSON.stringify(job)}`);
  }
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`bench client: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
