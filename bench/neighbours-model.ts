// Neighbours in one process (bench/run.ts --only neighbours): heap bytes per neighbour after full
// collections, for N permanent IPv4 entries on one veth added through the model's RTM_NEWNEIGH
// rules. Run: node --expose-gc --import tsx bench/neighbours-model.ts [N]; prints JSON.
import { ManualClock } from '../src/model/clock.js';
import { IFF_UP } from '../src/model/flags.js';
import { NetworkModel } from '../src/model/store.js';

const ENTRIES = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const model = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
model.addLoopback();
const [, v0] = model.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
model.changeFlags(v0!, IFF_UP, IFF_UP);
const lladdr = new Uint8Array(6);
const addr = new Uint8Array(4);
/** The i-th entry: 10.<1 + i/65536>.<i/256>.<i%256>, MAC 02:00:00:<i>. */
const add = (i: number) => {
  addr.set([10, 1 + ((i >> 16) & 0xff), (i >> 8) & 0xff, i & 0xff]);
  lladdr.set([2, 0, 0, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff]);
  model.neighbours.update({ family: 'inet', ifindex: v0!.index, dst: addr, lladdr, state: 0x80, ntf: 0, ext: 0, protocol: 0, create: true, excl: true, replace: false });
};
add(0); // the table's first allocations are not per entry
gc();
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 1; i <= ENTRIES; i++) add(i);
gc();
gc();
const heapBytesPerNeighbour = Math.round((process.memoryUsage().heapUsed - before) / ENTRIES);
if (model.neighbours.size !== ENTRIES + 1) throw new Error('entries missing');
process.stdout.write(`${JSON.stringify({ entries: ENTRIES, heapBytesPerNeighbour })}\n`);
