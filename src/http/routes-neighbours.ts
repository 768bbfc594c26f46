import type { FastifyInstance } from 'fastify';
import { NUD_REACHABLE, NUD_STALE } from '../../protocol/constants.js';
import { formatInet, parseInet } from '../../protocol/inet.js';
import { dstBytes, lladdrBytes, type Neighbour, type ProxyNeighbour } from '../model/neighbours/neighbour.js';
import type { NetworkModel } from '../model/store.js';
import { formatLinkAddress } from '../format/names.js';
import { NUD_NAMES } from '../format/neigh.js';
import type { AdminContext } from './context.js';
import { HttpError, noSuchLink, refused } from './errors.js';
import { errors, linkNameParams } from './schemas.js';

const AF = { inet: 2, inet6: 10 } as const;

/** One neighbour as GET /v1/neighbours lists it: addresses as text, the device by name, NUD_* names. */
export function neighbourJson(model: NetworkModel, n: Readonly<Neighbour>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    family: n.family, dst: formatInet(dstBytes(n.dst), AF[n.family]), dev: model.byIndex(n.ifindex)?.name ?? n.ifindex,
    state: NUD_NAMES.filter(([, bit]) => n.state & bit).map(([name]) => name), flags: n.flags & 0xff, type: n.type,
  };
  if (n.lladdr >= 0) out.lladdr = formatLinkAddress(lladdrBytes(n.lladdr));
  if (n.flags >> 8) out.flagsExt = n.flags >> 8;
  if (n.protocol) out.protocol = n.protocol;
  return out;
}

function proxyJson(model: NetworkModel, p: Readonly<ProxyNeighbour>): Record<string, unknown> {
  return {
    family: p.family, dst: formatInet(dstBytes(p.dst), AF[p.family]), dev: p.ifindex ? (model.byIndex(p.ifindex)?.name ?? p.ifindex) : null,
    proxy: true, flags: p.flags, ...(p.protocol ? { protocol: p.protocol } : {}),
  };
}

const neighbourSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['family', 'dst', 'dev', 'flags'],
  properties: {
    family: { type: 'string', enum: ['inet', 'inet6'] },
    dst: { type: 'string' },
    dev: { type: ['string', 'integer', 'null'] },
    lladdr: { type: 'string' },
    state: { type: 'array', items: { type: 'string' }, description: 'NUD_* names' },
    flags: { type: 'integer', description: 'NTF_*' },
    flagsExt: { type: 'integer', description: 'NTF_EXT_*' },
    type: { type: 'integer', description: 'RTN_*' },
    protocol: { type: 'integer' },
    proxy: { type: 'boolean' },
  },
} as const;

const learnBody = {
  type: 'object',
  additionalProperties: false,
  required: ['dst', 'lladdr'],
  properties: {
    dst: { type: 'string', description: 'IPv4 or IPv6 address of the neighbour' },
    lladdr: { type: 'string', pattern: '^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$' },
    state: { type: 'string', enum: ['reachable', 'stale'], default: 'reachable', description: 'reachable: it answered our solicitation; stale: it solicited us' },
  },
} as const;

/** The neighbour tables: listing them, and the traffic a test rig simulates (a learned entry). */
export function neighbourRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/v1/neighbours', {
    schema: {
      tags: ['neighbours'],
      summary: 'Every IPv4 (ARP) and IPv6 (ND) neighbour, then the proxy entries, with devices by name',
      response: { 200: { type: 'array', items: neighbourSchema }, ...errors(503) },
    },
  }, async () => {
    const m = ctx.model;
    const t = m.neighbours;
    return [
      ...[...t.tables.inet.entries(), ...t.tables.inet6.entries()].map((n) => neighbourJson(m, n)),
      ...[...t.proxies.inet.values(), ...t.proxies.inet6.values()].map((p) => proxyJson(m, p)),
    ];
  });

  app.post<{ Params: { name: string }; Body: { dst: string; lladdr: string; state?: 'reachable' | 'stale' } }>('/v1/links/:name/neighbours', {
    schema: {
      tags: ['rig'],
      summary: 'Learn a neighbour on a device as ARP/ND traffic would: REACHABLE (then STALE on the model clock) or STALE, announced with pid 0',
      security: [{ bearer: [] }],
      params: linkNameParams,
      body: learnBody,
      response: { 200: neighbourSchema, ...errors(400, 401, 404, 409, 503) },
    },
  }, async (req) => ctx.mutex.runExclusive(async () => {
    const link = ctx.model.byName(req.params.name);
    if (!link) throw noSuchLink(req.params.name);
    const dst = parseInet(req.body.dst);
    if (!dst) throw new HttpError(400, `"${req.body.dst}" is not an IP address`, 'dst');
    const lladdr = Uint8Array.from(req.body.lladdr.split(':').map((x) => parseInt(x, 16)));
    let n: Neighbour;
    try {
      n = ctx.model.neighbours.learn(dst.family === 10 ? 'inet6' : 'inet', link.index, dst.bytes, lladdr, req.body.state === 'stale' ? NUD_STALE : NUD_REACHABLE);
    } catch (e) {
      throw refused(e, 'neighbour');
    }
    await ctx.persist();
    return neighbourJson(ctx.model, n);
  }));
}
