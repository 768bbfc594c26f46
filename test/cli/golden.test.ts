import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { rtnl } from '../helpers/cli.js';
import { startReplayServer } from '../helpers/replay-server.js';

// The CLI run against the exact bytes a Linux 6.18 kernel sent, compared byte for byte with
// what iproute2 6.1 printed for the same state (test/fixtures/iproute2/capture.py).

interface ShowCapture {
  iproute2: string;
  links: string[];
  addresses: string[];
  outputs: Record<string, string>;
}
interface MonitorCapture {
  links: string[];
  addresses: string[];
  notifications: string[];
  output: string;
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'iproute2');
const show = JSON.parse(readFileSync(join(dir, 'show.json'), 'utf8')) as ShowCapture;
const monitor = JSON.parse(readFileSync(join(dir, 'monitor.json'), 'utf8')) as MonitorCapture;
const hex = (list: string[]) => list.map((h) => Buffer.from(h, 'hex'));

describe(`rtnl output equals ${show.iproute2} for the same kernel messages`, () => {
  let server: Awaited<ReturnType<typeof startReplayServer>>;
  beforeAll(async () => {
    server = await startReplayServer({ links: hex(show.links), addresses: hex(show.addresses) });
  });
  afterAll(() => server.stop());

  for (const [cmd, expected] of Object.entries(show.outputs)) {
    it(`ip ${cmd}`, async () => {
      const r = await rtnl(cmd.split(' '), server.path);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(expected);
    });
  }
});

describe('rtnl monitor equals ip monitor for the same notifications', () => {
  it('prints link and address events as ip monitor link address did', async () => {
    const server = await startReplayServer({
      links: hex(monitor.links), addresses: hex(monitor.addresses), notifications: hex(monitor.notifications),
    });
    try {
      const ac = new AbortController();
      let out = '';
      let err = '';
      const timer = setTimeout(() => ac.abort(), 5000);
      // The replay server sends every notification right after the monitor's initial link dump.
      const code = await runCli(['monitor', 'link', 'address'], {
        stdout: (t) => {
          out += t;
          if (out.length >= monitor.output.length) ac.abort();
        },
        stderr: (t) => (err += t),
        env: { RTNL_SOCKET: server.path },
        readFile: () => Promise.reject(new Error('no files')),
        signal: ac.signal,
      });
      clearTimeout(timer);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toBe(monitor.output);
    } finally {
      await server.stop();
    }
  });
});
