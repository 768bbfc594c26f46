// Namespaces in one process (bench/run.ts --only netns): heap per namespace holding only lo,
// and create + delete cycles of a namespace with a veth pair to the initial one, moved there
// and back, through the model (the same operations the netlink handlers call).
import { moveLink } from '../src/model/netns/move.js';
import { NamespaceRegistry } from '../src/model/netns/registry.js';
import { NetworkModel } from '../src/model/store.js';

const count = Number(process.argv[2] ?? 10_000);
const cycles = Number(process.argv[3] ?? 2_000);
const gc = (globalThis as { gc?: () => void }).gc!;

const registry = new NamespaceRegistry(() => new NetworkModel({ cpuCount: 2 }));
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < count; i++) registry.add(`ns${i}`);
gc();
const heapPerNamespace = (process.memoryUsage().heapUsed - before) / count;
for (let i = 0; i < count; i++) registry.delete(`ns${i}`);

// One cycle, as bench/run.ts gives the kernel: ip netns add X; ip link add a type veth peer name b netns X;
// ip link set a netns X; ip netns del X.
const init = registry.initial;
const started = performance.now();
for (let i = 0; i < cycles; i++) {
  const ns = registry.add(`c${i}`);
  init.model.createLink({ kind: 'veth', name: 'a', peer: { kind: 'veth', name: 'b' } }, undefined, ns.model);
  moveLink(registry, init, init.model.byName('a')!, ns);
  registry.delete(`c${i}`);
}
const cyclesPerSecond = cycles / ((performance.now() - started) / 1000);
if (init.model.size !== 1) throw new Error('cycles left devices behind');

// Isolation: MTU changes of lo in namespace "a" (with a listener there, as the daemon's notifier)
// while each of `count` other namespaces has a listener too, beside the same changes in a registry
// holding only "a"; runs alternate. Listeners elsewhere must never be called.
let foreignCalls = 0;
const crowded = new NamespaceRegistry(() => new NetworkModel({ cpuCount: 2 }));
for (let i = 0; i < count; i++) crowded.add(`o${i}`).model.onEvent(() => foreignCalls++);
const alone = new NamespaceRegistry(() => new NetworkModel({ cpuCount: 2 }));
const changers = [crowded, alone].map((r) => {
  const model = r.add('a').model;
  model.onEvent(() => {});
  return model;
});
// Runs of ~50 ms (a run of a few ms is decided by whichever one a scavenge lands in), by turns,
// each side first every other run, after a warm-up by turns; the row takes the medians.
const changes = 100_000;
let mtu = 1500;
const changeRate = (model: NetworkModel) => {
  const lo = model.byName('lo')!;
  const t0 = performance.now();
  for (let i = 0; i < changes; i++) model.setMtu(lo, (mtu = mtu === 1500 ? 1400 : 1500));
  return changes / ((performance.now() - t0) / 1000);
};
const isolation = { crowded: [] as number[], alone: [] as number[] };
for (let w = 0; w < 3; w++) for (const model of changers) changeRate(model);
for (let r = 0; r < 15; r++) {
  const crowdedFirst = r % 2 === 0;
  if (crowdedFirst) isolation.crowded.push(changeRate(changers[0]!));
  isolation.alone.push(changeRate(changers[1]!));
  if (!crowdedFirst) isolation.crowded.push(changeRate(changers[0]!));
}
process.stdout.write(`${JSON.stringify({ heapPerNamespace, cyclesPerSecond, isolation, foreignCalls })}\n`);
