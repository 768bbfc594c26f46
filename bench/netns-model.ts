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
process.stdout.write(`${JSON.stringify({ heapPerNamespace, cyclesPerSecond })}\n`);
