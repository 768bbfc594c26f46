import type { FastifyInstance } from 'fastify';
import { printFdb } from '../format/fdb.js';
import { formatLinkAddress } from '../format/names.js';
import { Printer } from '../format/printer.js';
import { fdbMessage } from '../rtnl/fdb-view.js';
import type { AdminContext } from './context.js';
import { HttpError, noSuchLink, refused } from './errors.js';
import { errors } from './schemas.js';

const fdbListSchema = {
  type: 'array',
  items: {
    type: 'object', additionalProperties: true, required: ['mac', 'state'],
    properties: { mac: { type: 'string' }, ifname: { type: 'string' }, master: { type: 'string' }, state: { type: 'string' } },
  },
} as const;

const learnBody = {
  type: 'object', additionalProperties: false, required: ['mac', 'dev'],
  properties: {
    mac: { type: 'string', pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$' },
    dev: { type: 'string', description: 'the bridge port the frame arrived on' },
  },
} as const;

/** GET /v1/fdb (the bridges' entries, as `bridge -j fdb show` prints them) and the rig's learned-entry injection. */
export function fdbRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const model = ctx.model;
  const name = (i: number) => model.byIndex(i)?.name ?? `if${i}`;
  const entryJson = (e: Parameters<typeof fdbMessage>[1]) => {
    const p = new Printer(true);
    printFdb(p, fdbMessage(model, e), name);
    return p.root;
  };
  app.get('/v1/fdb', {
    schema: {
      tags: ['fdb'],
      summary: 'Every bridge FDB entry (bridges in index order, newest entry first), in `bridge -j fdb show` form',
      response: { 200: fdbListSchema, ...errors(503) },
    },
  }, async () => [...model.linksOfKind('bridge')].sort((a, b) => a.index - b.index).flatMap((br) => model.fdb.entries(br.index).map(entryJson)));

  app.post<{ Body: { mac: string; dev: string } }>('/v1/fdb/learn', {
    schema: {
      tags: ['rig'],
      summary: 'What a frame from MAC arriving on a bridge port would do: a learned (dynamic) entry, ageing out after 300 s of model time',
      security: [{ bearer: [] }],
      body: learnBody,
      response: { 200: { type: 'object', additionalProperties: true }, ...errors(400, 401, 404, 409, 503) },
    },
  }, async (req) => ctx.mutex.runExclusive(async () => {
    const port = model.byName(req.body.dev);
    if (!port) throw noSuchLink(req.body.dev);
    if (!port.master || model.byIndex(port.master)?.kind !== 'bridge') throw new HttpError(409, `"${req.body.dev}" is not a bridge port`, 'dev');
    const mac = Uint8Array.from(req.body.mac.split(':').map((h) => parseInt(h, 16)));
    let entry;
    try {
      entry = model.fdb.learn(port.master, port.index, mac);
    } catch (e) {
      throw refused(e, "mac");
    }
    await ctx.persist();
    return { ...entryJson(entry), learned: formatLinkAddress(mac) };
  }));
}
