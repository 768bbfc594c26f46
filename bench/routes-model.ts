// In-process benchmark of the route model at Internet-table scale (issue 15): inserting 1,000,000
// IPv4 routes through the model's NEWROUTE path, longest-prefix matches per second against a
// baseline in the same process (exact-match Map.get on the same keys: the cost floor of one
// probe), and heap bytes per route after GC. `npm run bench:routes` builds and runs the compiled
// file (dist/bench/routes-model.js, the code the daemon runs: tsx's per-module transform costs
// lookups 2-3x); prints JSON and writes bench/routes-results.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IFF_UP } from '../src/model/flags.js';
import { fibLookup4 } from '../src/model/routes/lookup.js';
import { MASK4 } from '../src/model/routes/prefix.js';
import { NetworkModel } from '../src/model/store.js';
import { mulberry32 } from '../test/helpers/prng.js';

const ROUTES = Number(process.argv[2] ?? 1_000_000);
const LOOKUPS = 2_000_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const random = mulberry32(15);

/** Prefix lengths roughly as in a full IPv4 table: /24 most, then /22-/23, /16-/21, a few shorter. */
function prefixLength(): number {
  const r = random();
  if (r < 0.6) return 24;
  if (r < 0.8) return 22 + Math.floor(random() * 2);
  if (r < 0.96) return 16 + Math.floor(random() * 6);
  return 8 + Math.floor(random() * 8);
}

const model = new NetworkModel({ cpuCount: 1 });
model.addLoopback();
const [dev] = model.createLink({ kind: 'dummy', name: 'd0' });
model.changeFlags(dev!, IFF_UP, IFF_UP);
model.addresses.newInet4({ ifindex: dev!.index, prefixlen: 8, flags: 0, scope: 0, local: new Uint8Array([100, 0, 0, 1]) }, { excl: true, replace: false });
const gateways = Array.from({ length: 16 }, (_, i) => (100 << 24) | (i + 2));

gc();
const heapBefore = process.memoryUsage().heapUsed;
const offHeapBefore = process.memoryUsage().arrayBuffers;
const create = { create: true, excl: true, replace: false, append: false };
let inserted = 0;
const t0 = performance.now();
while (inserted < ROUTES) {
  const len = prefixLength();
  const dst = ((1 + Math.floor(random() * 222)) << 24 | Math.floor(random() * 0x1000000)) & MASK4[len]!;
  try {
    model.routes.inet.add({
      table: 254, dst, dstLen: len, tos: 0, protocol: 186, scope: 0, type: 1, priority: 0, prefsrc: 0, flags: 0, multipath: false,
      nexthops: [{ ifindex: 0, gateway4: gateways[inserted & 15]!, weight: 1, flags: 0, flow: 0 }],
    }, create);
    inserted++;
  } catch {
    // the same prefix drawn twice: EEXIST, draw again
  }
}
const insertSeconds = (performance.now() - t0) / 1000;
gc();
const heapPerRoute = (process.memoryUsage().heapUsed - heapBefore) / ROUTES;
// Typed arrays (the direct index, bitmaps) live outside the V8 heap: counted apart.
const offHeapPerRoute = (process.memoryUsage().arrayBuffers - offHeapBefore) / ROUTES;

// Lookups: random destinations in the covered space.
const targets = Int32Array.from({ length: LOOKUPS }, () => ((1 + Math.floor(random() * 222)) << 24) | Math.floor(random() * 0x1000000));
const link = (i: number) => model.byIndex(i);
const flow = { dst: 0, scope: 0, oif: 0, tos: 0 };
let hits = 0;
// Wall time and this thread's CPU time: on a shared machine the CPU figure is the less disturbed one.
const cpuSeconds = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};
const c1 = process.cpuUsage();
const t1 = performance.now();
for (let i = 0; i < LOOKUPS; i++) {
  flow.dst = targets[i]!;
  try {
    fibLookup4(model.routes.tables, flow, link);
    hits++;
  } catch {
    // ENETUNREACH: no route covers it
  }
}
const lookupSeconds = (performance.now() - t1) / 1000;
const lookupCpuSeconds = cpuSeconds(c1);

// Baseline: one exact-match probe per lookup in a Map of the same size.
const baseline = new Map<number, number>();
for (let i = 0; i < ROUTES; i++) baseline.set(targets[i % LOOKUPS]! & MASK4[24]!, i);
let found = 0;
const c2 = process.cpuUsage();
const t2 = performance.now();
for (let i = 0; i < LOOKUPS; i++) if (baseline.get(targets[i]! & MASK4[24]!) !== undefined) found++;
const baselineSeconds = (performance.now() - t2) / 1000;
const baselineCpuSeconds = cpuSeconds(c2);

const result = {
  routes: ROUTES,
  insertPerSecond: Math.round(ROUTES / insertSeconds),
  lookupsPerSecond: Math.round(LOOKUPS / lookupSeconds),
  lookupsPerCpuSecond: Math.round(LOOKUPS / lookupCpuSeconds),
  lookupHitRate: hits / LOOKUPS,
  baselineMapGetPerSecond: Math.round(LOOKUPS / baselineSeconds),
  baselineMapGetPerCpuSecond: Math.round(LOOKUPS / baselineCpuSeconds),
  lookupVsOneMapGet: Number((baselineSeconds / lookupSeconds).toFixed(3)),
  heapBytesPerRoute: Math.round(heapPerRoute),
  offHeapBytesPerRoute: Math.round(offHeapPerRoute),
  baselineHits: found,
  node: process.version,
};
// One JSON line on stdout (bench/run.ts reads it); a standalone run also keeps bench/routes-results.json.
process.stdout.write(`${JSON.stringify(result)}\n`);
writeFileSync(join(import.meta.dirname.replace(/[\\/]dist[\\/]bench$/, '/bench'), 'routes-results.json'), `${JSON.stringify(result, null, 1)}\n`);
