// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`, or `node --cpu-prof`):
// the functions with the most self time and the most inclusive time.
//
//   npx tsx bench/profile-summary.ts FILE.cpuprofile [--only NAME] [--top N]
//
// --only keeps the samples whose stack contains a function whose name includes NAME (e.g.
// `--only fill` for the dump path, `--only onData` for request handling), so that start-up
// (seed loading) does not drown the phase of interest. `--only =fill` matches the name exactly
// (`fill` alone also matches `fulfilled`).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--only' && args[args.indexOf(a) - 1] !== '--top');
if (!file) {
  process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [--only NAME] [--top N]\n');
  process.exit(2);
}
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const matches = (fn: string) => (only!.startsWith('=') ? fn === only!.slice(1) : fn.includes(only!));
const top = Number(args.includes('--top') ? args[args.indexOf('--top') + 1] : 25);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'} ${f.url ? basename(f.url) : ''}`.trim();
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const stack: string[] = [];
  for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) stack.push(label(byId.get(x)!));
  if (only && !stack.some((s) => matches(s.split(' ')[0]!))) return;
  total += dt;
  self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + dt);
  for (const s of new Set(stack)) inclusive.set(s, (inclusive.get(s) ?? 0) + dt);
});

const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`${title}\n`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(6)}%  ${k}\n`);
  }
};
process.stdout.write(`${basename(file)}: ${(total / 1000).toFixed(0)} ms sampled${only ? ` in stacks containing "${only}"` : ''}\n`);
print('self time', self);
print('inclusive time', inclusive);
