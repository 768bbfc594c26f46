import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_REQUEST,
  RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK,
} from '../../protocol/constants.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';
import { toJson } from '../../src/state/json.js';
import { Journal } from '../../src/state/journal.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-state-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const createDummy = (name: string, seq: number) =>
  message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq, (w) => {
    ifinfomsg(w).attrString(IFLA_IFNAME, name);
    const li = w.nestStart(IFLA_LINKINFO);
    w.attrString(IFLA_INFO_KIND, 'dummy');
    w.nestEnd(li);
  });

/** name -> [index, mtu] of every link, from a dump. */
async function snapshotOf(path: string): Promise<Map<string, [number, number]>> {
  const c = await TestClient.connect(path);
  const replies = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, (w) => ifinfomsg(w)));
  c.close();
  const out = new Map<string, [number, number]>();
  for (const r of replies.filter((m) => m.type === RTM_NEWLINK)) {
    const nameLen = r.raw.readUInt16LE(32);
    const name = r.raw.toString('utf8', 36, 32 + nameLen - 1);
    const mtuAt = r.raw.indexOf(Buffer.from([8, 0, IFLA_MTU, 0]), 32);
    out.set(name, [r.raw.readInt32LE(20), r.raw.readUInt32LE(mtuAt + 4)]);
  }
  return out;
}

describe('Journal', () => {
  it('drops a torn last record and keeps every intact one', async () => {
    const dir = tempDir();
    const path = join(dir, 'j.log');
    const j = new Journal(path);
    await Promise.all([j.append(Buffer.from('one')), j.append(Buffer.from('two'))]);
    j.close();
    appendFileSync(path, Buffer.from([9, 0, 0, 0, 1, 2, 3, 4, 0x61])); // header says 9 bytes, only 1 arrived
    const size = statSync(path).size;
    const r = Journal.read(path);
    expect(r.records.map(String)).toEqual(['one', 'two']);
    expect(r.torn).toBe(true);
    expect(statSync(path).size).toBe(size - 9);
  });
});

describe('--state', () => {
  it('restores names, indexes, index counter and settings after a restart, compacting along the way', async () => {
    const dir = tempDir();
    const log = pino({ level: 'silent' });
    const first = await startDaemon({ stateDir: dir, log, stateCompactEvery: 8 });
    const c = await TestClient.connect(first.path);
    for (let i = 0; i < 30; i++) expect((await c.request(createDummy(`d${i}`, i + 1)))[0]!.error).toBe(0);
    await c.request(message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 99, (w) => ifinfomsg(w).attrString(IFLA_IFNAME, 'd3').attrU32(IFLA_MTU, 1400)));
    c.close();
    const before = await snapshotOf(first.path);
    await first.stop();
    // 31 changes with compaction every 8: a snapshot plus a short journal.
    expect(statSync(join(dir, 'snapshot.json')).size).toBeGreaterThan(0);
    expect(Journal.read(join(dir, 'journal.log')).records.length).toBeLessThan(8);
    const second = await startDaemon({ stateDir: dir, log });
    cleanups.push(second.stop);
    expect(await snapshotOf(second.path)).toEqual(before);
    // The index counter survived: the next automatic index continues after the last one.
    const c2 = await TestClient.connect(second.path);
    await c2.request(createDummy('next', 1));
    c2.close();
    expect((await snapshotOf(second.path)).get('next')![0]).toBe(32);
  });

  it('loses nothing acknowledged when killed with SIGKILL at random moments', async () => {
    const dir = tempDir();
    const sock = join(dir, 'rtnl.sock');
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'rtnld.js');
    const acked = new Map<string, number>();
    let seq = 0;
    for (let round = 0; round < 5; round++) {
      const child: ChildProcess = spawn(process.execPath, [bin, '--socket', sock, '--state', join(dir, 'state'), '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
      cleanups.push(() => child.kill('SIGKILL'));
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      while (!err.includes('"listening"')) {
        if (child.exitCode !== null) throw new Error(`daemon exited: ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const now = await snapshotOf(sock);
      for (const [name, index] of acked) expect(now.get(name)?.[0], `${name} survived round ${round}`).toBe(index);
      // A stream of pipelined changes, killed after a random delay.
      const c = await TestClient.connect(sock);
      const names = Array.from({ length: 400 }, (_, i) => `r${round}x${i}`);
      c.send(Buffer.concat(names.map((n) => createDummy(n, ++seq))));
      const firstSeq = seq - names.length + 1;
      // Kill at a random point of the stream: after a random number of ACKs, mid-way through the rest.
      const killAfter = 1 + Math.floor(Math.random() * (names.length - 50));
      await c.waitFor((r) => r.filter((m) => m.seq >= firstSeq).length >= killAfter, 20_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      for (const r of c.received) {
        if (r.error === 0 && r.seq >= firstSeq) acked.set(names[r.seq - firstSeq]!, -1);
      }
      c.close();
      // Indexes of acked links are learned on the next start (the ACK does not carry them).
      const after = await (async () => {
        const child2 = spawn(process.execPath, [bin, '--socket', sock, '--state', join(dir, 'state'), '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let e2 = '';
        child2.stderr!.on('data', (d: Buffer) => (e2 += d.toString()));
        while (!e2.includes('"listening"')) await new Promise((r) => setTimeout(r, 20));
        const snap = await snapshotOf(sock);
        child2.kill('SIGKILL');
        await new Promise((r) => child2.once('exit', r));
        return snap;
      })();
      for (const [name, index] of acked) {
        expect(after.has(name), `${name} was acknowledged before the kill`).toBe(true);
        if (index === -1) acked.set(name, after.get(name)![0]);
      }
    }
    expect(acked.size).toBeGreaterThan(0);
  }, 300_000); // ten daemon starts: ~20 s quiet, near 120 s on a loaded 2-CPU machine

  it('keeps routes as columns in snapshot.json, and refuses a corrupt column at start with the field named', async () => {
    const m = new NetworkModel({ cpuCount: 1 });
    m.addLoopback();
    const [dev] = m.createLink({ kind: 'dummy', name: 'd0' });
    m.changeFlags(dev!, IFF_UP, IFF_UP);
    m.addresses.newInet4({ ifindex: dev!.index, prefixlen: 8, flags: 0, scope: 0, local: new Uint8Array([100, 0, 0, 1]) }, { excl: true, replace: false });
    for (let i = 0; i < 100; i++) {
      m.routes.inet.add({
        table: 254, dst: ((20 << 24) | (i << 8)) | 0, dstLen: 24, tos: 0, protocol: 3, scope: 0, type: 1, priority: 0, prefsrc: 0, flags: 0,
        multipath: false, nexthops: [{ ifindex: 0, gateway4: (100 << 24) | 2, weight: 1, flags: 0, flow: 0 }],
      }, { create: true, excl: true, replace: false, append: false });
    }
    const dir = tempDir();
    const doc = toJson({ version: 2, model: m.exportLinks() });
    writeFileSync(join(dir, 'snapshot.json'), doc);
    const first = await startDaemon({ stateDir: dir, stateCompactEvery: 1 });
    expect(first.daemon.namespaces.initial.model.routes.tables.inet(254)!.size).toBe(101);
    // One journaled change: compacted at once, so snapshot.json is written by the daemon.
    const c = await TestClient.connect(first.path);
    expect((await c.request(createDummy('d1', 1)))[0]!.error).toBe(0);
    c.close();
    await first.stop();
    expect(readFileSync(join(dir, 'snapshot.json'), 'utf8')).toContain('"name":"d1"');
    const written = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as { model: { routes: { version: number; inet4: { dstLen: { $hex: string } }; inet6: { dstLen: { $hex: string } } } } };
    expect(written.model.routes.version).toBe(3);
    // IPv6 as columns too: d0's and d1's fe80::/64 and ff00::/8 (prefix lengths 0x40, 0x08), no route objects.
    expect(written.model.routes.inet6.dstLen.$hex).toMatch(/^(40|08|80)+$/);
    expect(written.model.routes.inet4.dstLen.$hex).toMatch(/^(18){100}/);
    // One prefix length byte made 0x21 (/33): the daemon does not start, and says which field is wrong.
    writeFileSync(join(dir, 'snapshot.json'), doc.replace('"dstLen":{"$hex":"18', '"dstLen":{"$hex":"21'));
    await expect(startDaemon({ stateDir: dir })).rejects.toThrow('cannot read snapshot.json: routes.inet4.dstLen of route 0 is 33');
  });
});
