import type { FastifyInstance } from 'fastify';
import { LINK_STAT_NAMES, type LinkStats } from '../model/stats.js';
import type { AdminContext } from './context.js';
import { noSuchLink, refused } from './errors.js';
import { carrierBody, errors, ipLinkListSchema, linkNameParams, statsBody, statWireName } from './schemas.js';
import { parseSnapshot, snapshotJson } from './snapshot.js';
import { ipLinkJson, ipLinksJson } from './ip-json.js';

/**
 * Runs a change the way a netlink request runs: holding the model mutex, through the model's
 * own operations (so subscribers get the same notifications), then made durable with --state.
 */
async function change<T>(ctx: AdminContext, apply: () => T | Promise<T>): Promise<T> {
  return ctx.mutex.runExclusive(async () => {
    const result = await apply();
    await ctx.persist();
    return result;
  });
}

const auth = [{ bearer: [] }];

/** Test-rig controls: reset, snapshots, cable pulls and traffic counters. */
export function rigRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.post('/v1/reset', {
    schema: {
      tags: ['rig'],
      summary: 'Back to the seed (lo plus --seed, every namespace of it; namespaces not in it are deleted), announced to subscribers as a snapshot import is; answers the initial namespace\'s links',
      security: auth,
      response: { 200: ipLinkListSchema, ...errors(401, 503) },
    },
  }, async () => {
    const seed = ctx.seedSnapshot();
    return change(ctx, async () => {
      await ctx.netns.replaceAll(seed);
      return ipLinksJson(ctx.model, { mode: 'link' });
    });
  });

  app.get('/v1/snapshot', {
    schema: {
      tags: ['rig'],
      summary: 'Every namespace\'s model, index cursors included, and the NSID tables (the state directory\'s snapshot.json format)',
      response: { 200: { $ref: 'Snapshot#' }, ...errors(503) },
    },
  }, async (_req, reply) => {
    // Serialised here (byte arrays as {"$hex": ...}); the schema documents it and PUT checks it.
    return reply.type('application/json; charset=utf-8').send(snapshotJson(ctx.netns.namespaces));
  });

  app.put('/v1/snapshot', {
    bodyLimit: 1024 * 1024 * 1024,
    schema: {
      tags: ['rig'],
      summary: 'Replace every namespace (those not in the document are deleted, new ones created; without `nsids` the ids between namespaces that stay are kept); each namespace\'s subscribers get RTM_DELLINK for devices gone, RTM_NEWLINK for new or changed ones. Checked whole first: a bad document changes nothing. Answers the initial namespace\'s links',
      security: auth,
      body: { $ref: 'Snapshot#' },
      response: { 200: ipLinkListSchema, ...errors(400, 401, 503) },
    },
  }, async (req) => {
    const doc = parseSnapshot(req.body, ctx.model.maxLinks);
    return change(ctx, async () => {
      await ctx.netns.replaceAll(doc);
      return ipLinksJson(ctx.model, { mode: 'link' });
    });
  });

  app.post<{ Params: { name: string }; Body: { carrier: boolean } }>('/v1/links/:name/carrier', {
    schema: {
      tags: ['rig'],
      summary: 'Pull (false) or plug (true) the cable, as IFLA_CARRIER does (dummy and veth)',
      security: auth,
      params: linkNameParams,
      body: carrierBody,
      response: { 200: { $ref: 'IpLink#' }, ...errors(400, 401, 404, 409, 503) },
    },
  }, async (req) => change(ctx, () => {
    const link = ctx.model.byName(req.params.name);
    if (!link) throw noSuchLink(req.params.name);
    try {
      ctx.model.setCarrier(link, req.body.carrier);
    } catch (e) {
      throw refused(e, 'carrier');
    }
    return ipLinkJson(ctx.model, link, { mode: 'link' });
  }));

  app.post<{ Params: { name: string }; Body: Record<string, number> }>('/v1/links/:name/stats', {
    schema: {
      tags: ['rig'],
      summary: 'Set interface counters (IFLA_STATS64 / IFLA_STATS); counters not named keep their values',
      security: auth,
      params: linkNameParams,
      body: statsBody,
      response: { 200: { $ref: 'IpLink#' }, ...errors(400, 401, 404, 503) },
    },
  }, async (req) => change(ctx, () => {
    const link = ctx.model.byName(req.params.name);
    if (!link) throw noSuchLink(req.params.name);
    const stats: Partial<LinkStats> = {};
    for (const n of LINK_STAT_NAMES) {
      const v = req.body[statWireName(n)];
      if (v !== undefined) stats[n] = v;
    }
    ctx.model.setStats(link, stats);
    return ipLinkJson(ctx.model, link, { mode: 'link', stats: true });
  }));
}
