import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetworkModel } from '../../src/model/store.js';

describe('NetworkModel.linkAfter', () => {
  it('walks the links in ascending index order, whatever was created and deleted, also while it walks', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(50)), { maxLength: 80 }), fc.nat(100), (steps, deleteAt) => {
        const model = new NetworkModel({ cpuCount: 1 });
        model.addLoopback();
        let n = 0;
        for (const [create, pick] of steps) {
          const links = [...model.iterate()].filter((l) => l.kind === 'dummy');
          if (create || links.length === 0) model.createLink({ kind: 'dummy', name: `d${n++}` });
          else model.deleteLink(links[pick % links.length]!);
        }
        const expected = [...model.iterate()].map((l) => l.index);
        const walked: number[] = [];
        for (let l = model.linkAfter(0); l; l = model.linkAfter(walked.at(-1)!)) walked.push(l.index);
        expect(walked).toEqual(expected);
        // Deleting the link just visited does not lose its successor.
        const victim = model.byIndex(expected[deleteAt % expected.length]!)!;
        const after = expected.filter((i) => i > victim.index);
        expect(model.linkAfter(victim.index - 1)?.index).toBe(victim.index);
        if (victim.kind === 'dummy') {
          model.deleteLink(victim);
          expect(model.linkAfter(victim.index)?.index).toBe(after[0]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
