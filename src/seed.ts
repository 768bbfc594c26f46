import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MACVLAN_MODE_NAMES } from '../protocol/constants.js';
import { IFF_UP } from './model/flags.js';
import { isKindName } from './model/kinds.js';
import { parseMac } from './model/mac.js';
import type { NamespaceRegistry } from './model/netns/registry.js';
import type { NetworkModel, NewLinkSpec } from './model/store.js';
import type { KindName, Link, MacvlanMode } from './model/types.js';
import { addSeedAddress, parseSeedAddress } from './seed-addresses.js';
import { addSeedNeighbour, parseSeedNeighbour } from './seed-neighbours.js';
import { addSeedFdb, checkSeedFdb } from './seed-fdb.js';
import { addSeedRoute, checkSeedRoute } from './seed-routes.js';
import { addSeedRule, checkSeedRule } from './seed-rules.js';

/**
 * A seed file (YAML or JSON) declares the topology the daemon starts with:
 *
 *   links:
 *     - { name: br0, kind: bridge, up: true }
 *     - { name: v0, kind: veth, peer: v1, master: br0, up: true }
 *     - { name: v0.10, kind: vlan, link: v0, id: 10 }
 *     - { name: lo, up: true }                  # 127.0.0.1/8 and ::1 come with up
 *     - { name: v1, addresses: ["10.0.0.1/24", "2001:db8::1/64 nodad"] }
 *   routes:                                     # `ip route add` words, added after all links
 *     - default via 10.0.0.254
 *     - 10.9.0.0/16 via 10.0.0.2 dev v1 metric 100 proto static
 *   rules:                                      # `ip rule add` words (`-6 ...`: ip -6 rule), after the routes
 *     - from 10.0.0.0/24 lookup 100 pref 1000
 *   fdb:                                        # `bridge fdb add` words, last
 *     - 02:00:00:00:00:09 dev v0 master static
 *
 * Links are created in order through the model's own operations, so a seed obeys the same
 * rules (and produces the same state) as the equivalent netlink requests. lo always exists.
 */
export interface SeedLink {
  name: string;
  kind?: string;
  index?: number;
  mtu?: number;
  address?: string;
  broadcast?: string;
  txqlen?: number;
  group?: number;
  alias?: string;
  up?: boolean;
  carrier?: boolean;
  master?: string;
  /** Parent of a vlan/macvlan. */
  link?: string;
  /** vlan id */
  id?: number;
  /** vlan protocol: 802.1Q (default) or 802.1ad */
  protocol?: string;
  /** macvlan mode */
  mode?: string;
  /** veth peer: a name, or the peer's own settings */
  peer?: string | Omit<SeedLink, 'peer' | 'kind'>;
  /** IPv4/IPv6 addresses in `ip address add` syntax ("10.0.0.1/24 brd +", "2001:db8::1/64 nodad"), added in order. */
  addresses?: string[];
  /** Neighbour entries in `ip neigh add` syntax after the address ("10.0.0.2 lladdr 02:00:00:00:00:02 nud stale", "proxy 10.0.0.9"). */
  neighbours?: string[];
  /** net.ipv4.conf.<link>.promote_secondaries */
  promote_secondaries?: boolean;
  /** veth peer only: the namespace the peer is created in (declared under `netns:`). */
  netns?: string;
}

/** A whole seed file: the initial namespace's links and routes and, by name, the other namespaces' links and routes. */
export interface SeedDoc extends Seed {
  netns: Record<string, Seed>;
}

/** A whole seed file: links (created in order), then routes. */
export interface Seed {
  links: SeedLink[];
  /** `ip route add` arguments, one route each (src/seed-routes.ts). */
  routes: string[];
  /** `ip rule add` arguments, one rule each (src/seed-rules.ts). */
  rules?: string[];
  /** `bridge fdb add` arguments, one entry each (src/seed-fdb.ts). */
  fdb?: string[];
}

export class SeedError extends Error {}

const FIELDS = new Set(['name', 'kind', 'index', 'mtu', 'address', 'broadcast', 'txqlen', 'group', 'alias', 'up',
  'carrier', 'master', 'link', 'id', 'protocol', 'mode', 'peer', 'addresses', 'promote_secondaries', 'netns', 'neighbours']);
const SECTIONS = new Set(['links', 'routes', 'netns', 'rules', 'fdb']);
const VLAN_PROTOCOLS: Record<string, number> = { '802.1q': 0x8100, '802.1ad': 0x88a8 };

export function readSeed(path: string): Seed {
  return readSeedDoc(path);
}

/**
 * A seed with namespaces:
 *
 *   netns:
 *     r1: { links: [ { name: e0, kind: veth, peer: { name: e0, netns: r2, up: true }, up: true } ], routes: [ "default via 10.0.0.2" ] }
 *     r2: { links: [] }
 */
export function readSeedDoc(path: string): SeedDoc {
  let doc: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    // JSON is YAML, but JSON.parse is far faster for machine-written seeds of 100,000 links.
    doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new SeedError(`cannot read seed ${path}: ${(e as Error).message}`);
  }
  for (const key of Object.keys(doc ?? {})) if (!SECTIONS.has(key)) throw new SeedError(`seed: unknown section "${key}"`);
  const links = (doc as { links?: unknown } | null)?.links ?? [];
  if (!Array.isArray(links)) throw new SeedError('seed: "links" must be a list');
  const netnsDoc = (doc as { netns?: unknown } | null)?.netns ?? {};
  if (typeof netnsDoc !== 'object' || netnsDoc === null || Array.isArray(netnsDoc)) throw new SeedError('seed: "netns" must be a mapping of names');
  const netns: Record<string, Seed> = {};
  for (const [name, body] of Object.entries(netnsDoc)) {
    for (const key of Object.keys(body ?? {})) if (key !== 'links' && key !== 'routes') throw new SeedError(`seed netns.${name}: unknown section "${key}"`);
    const l = (body as { links?: unknown } | null)?.links ?? [];
    if (!Array.isArray(l)) throw new SeedError(`seed netns.${name}: "links" must be a list`);
    netns[name] = {
      links: l.map((x, i) => checkLink(x, `netns.${name}.links[${i}]`)),
      routes: checkCommands(body, 'routes', 'ip route add', checkSeedRoute, `netns.${name}.`),
    };
  }
  return {
    links: links.map((l, i) => checkLink(l, `links[${i}]`)), routes: checkCommands(doc, 'routes', 'ip route add', checkSeedRoute),
    rules: checkCommands(doc, 'rules', 'ip rule add', checkSeedRule), fdb: checkCommands(doc, 'fdb', 'bridge fdb add', checkSeedFdb), netns,
  };
}

/** A section of command words (`routes`, `rules`, `fdb`): each entry a string the command's parser takes. */
function checkCommands(doc: unknown, section: string, command: string, check: (text: string) => void, prefix = ''): string[] {
  const list = (doc as Record<string, unknown> | null)?.[section] ?? [];
  if (!Array.isArray(list)) throw new SeedError(`seed${prefix ? ` ${prefix.slice(0, -1)}` : ''}: "${section}" must be a list`);
  return list.map((raw: unknown, i) => {
    const where = `${prefix}${section}[${i}]`;
    if (typeof raw !== 'string') throw new SeedError(`seed ${where}: must be a string of \`${command}\` arguments`);
    try {
      check(raw);
    } catch (e) {
      throw new SeedError(`seed ${where} "${raw}": ${(e as Error).message}`);
    }
    return raw;
  });
}

function checkLink(raw: unknown, where: string): SeedLink {
  if (typeof raw !== 'object' || raw === null) throw new SeedError(`seed ${where}: must be a mapping`);
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) throw new SeedError(`seed ${where}: unknown field "${key}"`);
  const link = raw as SeedLink;
  if (typeof link.name !== 'string') throw new SeedError(`seed ${where}: "name" is required`);
  if (link.kind !== undefined && !isKindName(link.kind)) throw new SeedError(`seed ${where}: unknown kind "${link.kind}"`);
  for (const key of ['address', 'broadcast'] as const) {
    if (link[key] !== undefined && !parseMac(String(link[key]))) throw new SeedError(`seed ${where}: "${key}" is not a MAC address`);
  }
  if (link.mode !== undefined && !(MACVLAN_MODE_NAMES as string[]).includes(link.mode)) throw new SeedError(`seed ${where}: unknown macvlan mode "${link.mode}"`);
  if (link.protocol !== undefined && !(link.protocol.toLowerCase() in VLAN_PROTOCOLS)) {
    throw new SeedError(`seed ${where}: unknown vlan protocol "${link.protocol}"`);
  }
  if (typeof link.peer === 'object') checkLink({ ...link.peer }, `${where}.peer`);
  if (link.neighbours !== undefined) {
    if (!Array.isArray(link.neighbours)) throw new SeedError(`seed ${where}: "neighbours" must be a list`);
    for (const n of link.neighbours) {
      try {
        parseSeedNeighbour(String(n));
      } catch (e) {
        throw new SeedError(`seed ${where}: neighbour "${String(n)}": ${(e as Error).message}`);
      }
    }
  }
  if (link.addresses !== undefined) {
    if (!Array.isArray(link.addresses)) throw new SeedError(`seed ${where}: "addresses" must be a list`);
    for (const a of link.addresses) {
      try {
        parseSeedAddress(String(a));
      } catch (e) {
        throw new SeedError(`seed ${where}: address "${String(a)}": ${(e as Error).message}`);
      }
    }
  }
  return link;
}

function resolve(model: NetworkModel, name: string | undefined, where: string): Link | undefined {
  if (name === undefined) return undefined;
  const link = model.byName(name);
  if (!link) throw new SeedError(`seed ${where}: no link named "${name}"`);
  return link;
}

function specOf(model: NetworkModel, s: SeedLink, kind: KindName): NewLinkSpec {
  return {
    kind,
    name: s.name,
    index: s.index,
    mtu: s.mtu,
    txqlen: s.txqlen,
    group: s.group,
    address: s.address ? parseMac(s.address) : undefined,
    broadcast: s.broadcast ? parseMac(s.broadcast) : undefined,
    parent: resolve(model, s.link, s.name)?.index,
    vlan: kind === 'vlan' ? { id: s.id ?? 0, protocol: VLAN_PROTOCOLS[(s.protocol ?? '802.1q').toLowerCase()]!, flags: 1 } : undefined,
    macvlanMode: s.mode as MacvlanMode | undefined,
  };
}

/** Settings applied after creation, in do_setlink order. */
function configure(model: NetworkModel, link: Link, s: Omit<SeedLink, 'peer'>): void {
  if (s.alias !== undefined) model.setAlias(link, s.alias);
  if (s.up) model.changeFlags(link, IFF_UP, IFF_UP);
  if (s.master !== undefined) model.setMaster(link, resolve(model, s.master, s.name)!.index);
  if (s.carrier !== undefined) model.setCarrier(link, s.carrier);
  if (s.promote_secondaries !== undefined) model.addresses.setPromoteSecondaries(link, s.promote_secondaries);
  for (const text of s.addresses ?? []) {
    try {
      addSeedAddress(model, link, parseSeedAddress(text));
    } catch (e) {
      throw new SeedError(`seed link "${link.name}": address "${text}": ${(e as Error).message}`);
    }
  }
  for (const text of s.neighbours ?? []) {
    try {
      addSeedNeighbour(model, link, parseSeedNeighbour(text));
    } catch (e) {
      throw new SeedError(`seed link "${link.name}": neighbour "${text}": ${(e as Error).message}`);
    }
  }
}

/**
 * Applies a seed (or a list of links) to a model that holds lo. Throws SeedError (or ModelError) naming the bad entry.
 * `netnsModel` finds the namespace a veth peer's `netns` names.
 */
export function applySeed(model: NetworkModel, seed: Readonly<Seed> | readonly SeedLink[], netnsModel?: (name: string) => NetworkModel | undefined): void {
  applySeedLinks(model, seed, netnsModel);
  applySeedCommands(model, seed);
}

/** A seed's links alone (a seed with namespaces creates every namespace's links before any route). */
export function applySeedLinks(model: NetworkModel, seed: Readonly<Seed> | readonly SeedLink[], netnsModel?: (name: string) => NetworkModel | undefined): void {
  applyLinks(model, 'links' in seed ? seed.links : seed as readonly SeedLink[], netnsModel);
}

/**
 * A seed's routes, rules and FDB entries, each through its real handler; `where` names them in
 * messages ("netns.r1." for a namespace's).
 */
export function applySeedCommands(model: NetworkModel, seed: Readonly<Seed> | readonly SeedLink[], where = ''): void {
  if (!('links' in seed)) return;
  applyCommands(model, `${where}routes`, seed.routes ?? [], addSeedRoute);
  applyCommands(model, `${where}rules`, seed.rules ?? [], addSeedRule);
  applyCommands(model, `${where}fdb`, seed.fdb ?? [], addSeedFdb);
}

function applyCommands(model: NetworkModel, section: string, list: readonly string[], add: (model: NetworkModel, text: string) => void): void {
  list.forEach((text, i) => {
    try {
      add(model, text);
    } catch (e) {
      throw new SeedError(`seed ${section}[${i}] "${text}": ${(e as Error).message}`);
    }
  });
}

function applyLinks(model: NetworkModel, links: readonly SeedLink[], netnsModel?: (name: string) => NetworkModel | undefined): void {
  for (const s of links) {
    const existing = model.byName(s.name);
    if (existing && (s.kind === undefined || s.kind === existing.kind)) {
      if (s.mtu !== undefined) model.setMtu(existing, s.mtu);
      if (s.txqlen !== undefined) model.setTxqlen(existing, s.txqlen);
      configure(model, existing, s);
      continue;
    }
    if (!s.kind) throw new SeedError(`seed link "${s.name}": "kind" is required to create it`);
    const kind = s.kind as KindName;
    const spec = specOf(model, s, kind);
    if (kind === 'vlan' && s.id === undefined) throw new SeedError(`seed link "${s.name}": a vlan needs "id"`);
    const peer = typeof s.peer === 'string' ? { name: s.peer } : s.peer;
    let peerModel = model;
    if (peer?.netns !== undefined) {
      const m = netnsModel?.(peer.netns);
      if (!m) throw new SeedError(`seed link "${s.name}": no namespace "${peer.netns}" for its peer`);
      peerModel = m;
    }
    if (kind === 'veth' && peer) spec.peer = specOf(peerModel, peer, 'veth');
    try {
      const created = model.createLink(spec, undefined, peerModel);
      const main = created[created.length - 1]!;
      if (kind === 'veth' && peer && created.length === 2) configure(peerModel, created[0]!, peer);
      configure(model, main, s);
    } catch (e) {
      if (e instanceof SeedError) throw e;
      throw new SeedError(`seed link "${s.name}": ${(e as Error).message}`);
    }
  }
}

/**
 * Seeds a daemon's namespaces (the seed's `netns:` ones already created): every namespace's
 * links first, then every namespace's routes, rules, neighbours and FDB entries (a route's
 * gateway may sit on a link declared later, in another namespace's veth).
 */
export function applySeedNamespaces(
  namespaces: NamespaceRegistry,
  seed: Readonly<Seed> | readonly SeedLink[] | undefined,
  seedNetns: Readonly<Record<string, Readonly<Seed> | readonly SeedLink[]>> | undefined,
): void {
  const netnsModel = (name: string) => namespaces.get(name)?.model;
  const seeds = Object.entries(seedNetns ?? {}).map(([name, s]) => ({ model: netnsModel(name)!, seed: s, where: `netns.${name}.` }));
  if (seed) seeds.unshift({ model: namespaces.initial.model, seed, where: '' });
  for (const { model, seed: s } of seeds) applySeedLinks(model, s, netnsModel);
  for (const { model, seed: s, where } of seeds) applySeedCommands(model, s, where);
}
