import { describe, expect, it } from 'vitest';
import { startDaemon } from '../helpers/daemon.js';
import { checkInvariants } from '../helpers/invariants.js';
import { fuzzLiveDaemon } from '../helpers/live-fuzz.js';
import { TestClient } from '../helpers/nl-client.js';
import { message, ifinfomsg } from '../helpers/nl-client.js';

// `npm run fuzz` runs the same for longer (test/reliability/fuzz-long.ts).
describe('fuzzing a live daemon', () => {
  it('answers every well-framed message on many connections, never crashes, keeps the model consistent', async () => {
    const d = await startDaemon();
    try {
      const r = await fuzzLiveDaemon(d.path, { connections: 20, perConnection: 300, seed: 0x5eed });
      expect(r.sent).toBe(6000);
      checkInvariants(d.daemon.model);
      // Still serving.
      const c = await TestClient.connect(d.path);
      const [reply] = await c.request(message(18, 5, 1, (w) => ifinfomsg(w, 1)));
      expect(reply!.type).toBe(16);
      c.close();
    } finally {
      await d.stop();
    }
  }, 120_000);
});
