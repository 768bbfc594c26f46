// A longer live fuzz run, outside CI: `npm run fuzz -- [ROUNDS]`. Each round starts a daemon,
// fuzzes it from many connections with a new seed, and checks the model's invariants.
import { pino } from 'pino';
import { Daemon } from '../../src/daemon.js';
import { fuzzLiveDaemon } from '../helpers/live-fuzz.js';
import { checkInvariants } from '../helpers/invariants.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rounds = Number(process.argv[2] ?? 20);
let total = 0;
for (let round = 0; round < rounds; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-fuzz-'));
  const daemon = new Daemon({ socket: join(dir, 'rtnl.sock'), strict: round % 2 === 1, maxMessage: 1 << 20, rcvbuf: 212992, log: pino({ level: 'silent' }) });
  await daemon.start();
  const seed = (Date.now() + round * 7919) >>> 0;
  const r = await fuzzLiveDaemon(join(dir, 'rtnl.sock'), { connections: 50, perConnection: 2000, seed });
  checkInvariants(daemon.model);
  total += r.sent;
  console.log(`round ${round + 1}/${rounds}: seed ${seed}, ${r.sent} messages, ${daemon.model.size} links, invariants hold`);
  await daemon.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${total} fuzzed messages, all answered`);
