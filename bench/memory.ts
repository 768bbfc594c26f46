// Heap per link, per address and per idle connection, as the memory targets define them:
// process.memoryUsage().heapUsed after a full GC, the daemon in this process, its clients in another.
//
//   node --expose-gc --import tsx bench/memory.ts JOB_JSON
//   JOB: { links: SeedFile, addresses: SeedFile (the same links, 2 addresses each), linkCount, connections }
//
// Prints one JSON object: heap bytes per link, per address and per idle connection.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Daemon } from '../src/daemon.js';
import { backgroundIdle } from '../src/rtnl/background.js';
import { readSeed } from '../src/seed.js';

interface MemoryJob {
  links: string;
  addresses: string;
  linkCount: number;
  connections: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

/**
 * heapUsed after full collections, with pending callbacks run in between (they may hold garbage),
 * once the daemons' background work (encoding bodies ahead, src/rtnl/background.ts) has ended.
 */
async function heap(): Promise<number> {
  await backgroundIdle();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc!();
  }
  return process.memoryUsage().heapUsed;
}

const job = JSON.parse(process.argv[2]!) as MemoryJob;
const dir = mkdtempSync(join(tmpdir(), 'rtnld-mem-'));
const log = pino({ level: 'silent' });
const options = { strict: false, maxMessage: 1 << 20, rcvbuf: 212992, log };

async function withDaemon<T>(seedFile: string, run: (d: Daemon, path: string, before: number) => Promise<T>): Promise<T> {
  const seed = readSeed(seedFile);
  // Measured with the parsed seed already on the heap: what grows after is the daemon's.
  const before = await heap();
  const path = join(dir, 'rtnl.sock');
  const d = new Daemon({ ...options, socket: path, seed });
  await d.start();
  try {
    return await run(d, path, before);
  } finally {
    await d.stop();
  }
}

/** Heap of the daemon with `seedFile` loaded, minus the heap before it existed. */
function heapOf(seedFile: string): Promise<number> {
  return withDaemon(seedFile, async (_d, _path, before) => (await heap()) - before);
}

/** Opens `n` connections from a child process (so their client side is not on this heap) and holds them. */
function holdConnections(path: string, n: number): Promise<{ release: () => void }> {
  const script = `const net=require('net');let open=0;const all=[];for(let i=0;i<${n};i++){const s=net.connect(${JSON.stringify(path)});all.push(s);s.on('connect',()=>{if(++open===${n})process.stdout.write('ready\\n')});s.on('error',e=>{console.error(e.message);process.exit(1)})}process.stdin.on('data',()=>process.exit(0))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve({ release: () => child.stdin.write('x') });
    });
    child.on('exit', (code) => reject(new Error(`connection holder exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const linksHeap = await heapOf(job.links);
  const withAddresses = await heapOf(job.addresses);
  const perConnection = await withDaemon(job.links, async (d, path) => {
    const before = await heap();
    const held = await holdConnections(path, job.connections);
    while (d.connections.size < job.connections) await new Promise((r) => setTimeout(r, 10));
    const after = await heap();
    const grown = after - before;
    held.release();
    return grown / job.connections;
  });
  process.stdout.write(`${JSON.stringify({
    linkCount: job.linkCount,
    heapPerLink: linksHeap / job.linkCount,
    heapPerAddress: (withAddresses - linksHeap) / (2 * job.linkCount),
    connections: job.connections,
    heapPerIdleConnection: perConnection,
  })}\n`);
}

main().then(
  () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  },
);
