// In-process benchmark of `ip route get` through the FIB rules (issue 16): RTM_GETROUTE requests
// handled by the dispatcher (parse, lookup, reply encoding) with the namespace's default rules,
// and with 100 user rules that do not match (`from 10.N.M.0/24 lookup 1000+N`, each walked before
// main). Alternating rounds in the same process; the ratio is with-rules / default-rules.
// Run: node --import tsx bench/rules-lookup.ts; prints JSON.
import { Mutex } from 'async-mutex';
import { AF_INET, FR_ACT_TO_TBL } from '../protocol/constants.js';
import { NlWriter } from '../protocol/writer.js';
import { IFF_UP } from '../src/model/flags.js';
import { blankRule } from '../src/model/rules/rule.js';
import { NetworkModel } from '../src/model/store.js';
import { RtnlDispatcher } from '../src/rtnl/dispatch.js';

const REQUESTS = 50_000;
const ROUNDS = 7;

function build(rules: number): { dispatcher: RtnlDispatcher; model: NetworkModel } {
  const model = new NetworkModel({ cpuCount: 1 });
  model.addLoopback();
  const [dev] = model.createLink({ kind: 'dummy', name: 'd0' });
  model.changeFlags(dev!, IFF_UP, IFF_UP);
  model.addresses.newInet4({ ifindex: dev!.index, prefixlen: 24, flags: 0, scope: 0, local: Uint8Array.of(10, 0, 0, 1) }, { excl: true, replace: false });
  const always = { create: true, excl: false, replace: false, append: false };
  for (let i = 0; i < 1000; i++) {
    model.routes.inet.insert({
      family: 'inet', table: 254, dst: ((198 << 24) | (i << 8)) >>> 0, dstLen: 24, tos: 0, protocol: 3, scope: 0, type: 1, priority: 0,
      nexthops: [{ ifindex: dev!.index, flags: 0, weight: 1, gateway4: (10 << 24) | 2 }],
    } as never, always);
  }
  for (let i = 0; i < rules; i++) {
    model.rules.add({ ...blankRule(AF_INET), pref: 100 + i, table: 1000 + i, action: FR_ACT_TO_TBL, srcLen: 24, src: Uint8Array.of(10, 1 + (i >> 8), i & 255, 0) });
  }
  return { dispatcher: new RtnlDispatcher(model, new Mutex()), model };
}

function request(i: number): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(26, 1, i, 0);
  w.u8(AF_INET).u8(32).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
  w.attrBytes(1, Uint8Array.of(198, 0, i & 255, 7));
  w.msgEnd(at);
  return w.take();
}

const session = { portid: 1, strict: false, extAck: true, capAck: false, readOnly: false, dumping: false };
const requests = Array.from({ length: 256 }, (_, i) => request(i));

function round(d: RtnlDispatcher): number {
  const out = new NlWriter(1 << 16);
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    d.handle(requests[i & 255]!, session, out);
    if (out.length > 60_000) out.take();
  }
  return REQUESTS / ((performance.now() - t0) / 1000);
}

const plain = build(0);
const ruled = build(100);
// The replies must be the same route (main's 198.0.x.0/24 via 10.0.0.2) in both setups.
const check = (d: RtnlDispatcher) => {
  const w = new NlWriter();
  d.handle(requests[3]!, session, w);
  return w.take().subarray(16).toString('hex');
};
if (check(plain.dispatcher) !== check(ruled.dispatcher)) throw new Error('the two setups answer differently');
round(plain.dispatcher);
round(ruled.dispatcher);
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  a.push(round(plain.dispatcher));
  b.push(round(ruled.dispatcher));
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
process.stdout.write(`${JSON.stringify({ defaultRules: median(a), hundredRules: median(b), runsDefault: a, runsHundred: b })}\n`);
