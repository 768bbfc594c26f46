// JSON schemas of the admin HTTP API: request validation (bad input is refused with the field
// named, before anything runs), fast response serialisation, and the OpenAPI document.

import { MACVLAN_MODE_NAMES } from '../../protocol/constants.js';
import type { AddressSnapshot, Inet4Address, Inet6Address } from '../model/addresses.js';
import { KINDS } from '../model/kinds.js';
import { LINK_STAT_NAMES } from '../model/stats.js';
import type { Link } from '../model/types.js';

const u32 = { type: 'integer', minimum: 0, maximum: 0xffffffff } as const;
const bool = { type: 'boolean' } as const;
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const counter = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'Every error answer. `field` names the offending input; `errno` is what netlink would have answered.',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: int,
    error: str,
    message: str,
    field: str,
    errno: str,
  },
} as const;

const errorRef = { $ref: 'Error#' } as const;

/** The error answers a route can give, for its `response` schema. */
export function errors(...codes: number[]): Record<number, typeof errorRef> {
  return Object.fromEntries(codes.map((c) => [c, errorRef]));
}

const stats64 = {
  type: 'object',
  properties: {
    rx: {
      type: 'object',
      additionalProperties: true,
      properties: { bytes: counter, packets: counter, errors: counter, dropped: counter, over_errors: counter, multicast: counter, compressed: counter, nohandler: counter },
    },
    tx: {
      type: 'object',
      additionalProperties: true,
      properties: { bytes: counter, packets: counter, errors: counter, dropped: counter, carrier_errors: counter, collisions: counter, compressed: counter },
    },
  },
} as const;

const flagTrue = { type: 'boolean', enum: [true] } as const;

/** One element of addr_info (print_addrinfo); properties in iproute2's key order. */
export const ipAddrInfoSchema = {
  $id: 'IpAddrInfo',
  type: 'object',
  description: 'An address as `ip -j addr show` prints it in addr_info. Flags appear only when set.',
  // Keys iproute2 prints that are not listed here are kept (after the listed ones), not dropped.
  additionalProperties: true,
  properties: {
    family: { type: 'string', enum: ['inet', 'inet6'] },
    local: str,
    address: { type: 'string', description: 'the peer, on point-to-point addresses' },
    prefixlen: int,
    metric: int,
    broadcast: str,
    scope: str,
    secondary: flagTrue,
    temporary: flagTrue,
    nodad: flagTrue,
    optimistic: flagTrue,
    dadfailed: flagTrue,
    home: flagTrue,
    deprecated: flagTrue,
    tentative: flagTrue,
    dynamic: flagTrue,
    mngtmpaddr: flagTrue,
    noprefixroute: flagTrue,
    autojoin: flagTrue,
    'stable-privacy': flagTrue,
    flags: { type: 'string', description: 'flag bits iproute2 has no name for, in hex' },
    label: str,
    valid_life_time: int,
    preferred_life_time: int,
  },
} as const;

/** One element of `ip -j link show` / `ip -j addr show`; properties in iproute2's key order. */
export const ipLinkSchema = {
  $id: 'IpLink',
  type: 'object',
  // No `required`: fast-json-stringify writes required properties first, and key order must be iproute2's.
  description: 'A device as `ip -j link show` (or, with addr_info, `ip -j addr show`) prints it. Always present: ifindex, ifname, flags, mtu, operstate, group, txqlen, link_type, address, broadcast.',
  additionalProperties: true,
  properties: {
    ifindex: int,
    link: { type: ['string', 'null'], description: 'the lower device (veth peer, vlan parent); null when it is gone' },
    ifname: str,
    flags: { type: 'array', items: str },
    mtu: int,
    qdisc: str,
    master: str,
    operstate: str,
    linkmode: str,
    group: str,
    txqlen: int,
    link_type: str,
    address: str,
    broadcast: str,
    ifalias: str,
    stats64,
    altnames: { type: 'array', items: str },
    addr_info: { type: 'array', items: { $ref: 'IpAddrInfo#' } },
  },
} as const;

export const ipLinkListSchema = { type: 'array', items: { $ref: 'IpLink#' } } as const;

export const linkNameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 128, description: 'interface name or altname' } },
} as const;

export const linkListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { stats: { type: 'string', enum: ['0', '1', 'true', 'false'], description: 'add stats64, as `ip -s`' } },
} as const;

export const carrierBody = {
  type: 'object',
  required: ['carrier'],
  additionalProperties: false,
  properties: { carrier: { type: 'boolean', description: 'false pulls the cable, true plugs it back' } },
} as const;

/** `rx_packets` for `rxPackets`: the kernel's names for the counters (struct rtnl_link_stats64). */
export function statWireName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export const statsBody = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  description: 'Counters to set, by their struct rtnl_link_stats64 names; counters not named keep their values.',
  properties: Object.fromEntries(LINK_STAT_NAMES.map((n) => [statWireName(n), counter])),
} as const;

const hexBytes = {
  type: 'object',
  required: ['$hex'],
  additionalProperties: false,
  properties: { $hex: { type: 'string', pattern: '^(?:[0-9a-f]{2})*$' } },
} as const;

/** A model link as the state directory's snapshot.json stores it (byte arrays as {"$hex": ...}). */
export const linkStateSchema = {
  $id: 'LinkState',
  type: 'object',
  additionalProperties: false,
  required: [
    'index', 'name', 'altnames', 'kind', 'flags', 'gflags', 'promiscuity', 'allmulti', 'mtu', 'txqlen', 'group', 'alias',
    'address', 'broadcast', 'operstate', 'linkmode', 'carrier', 'adminCarrier', 'carrierUpCount', 'carrierDownCount',
    'everUp', 'master', 'link', 'numTxQueues', 'numRxQueues', 'inet', 'inet6', 'createdAt',
  ],
  properties: {
    index: { type: 'integer', minimum: 1, maximum: 0x7fffffff },
    name: { type: 'string', minLength: 1, maxLength: 15 },
    altnames: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 127 } },
    kind: { type: 'string', enum: Object.keys(KINDS) },
    flags: u32,
    gflags: u32,
    promiscuity: u32,
    allmulti: u32,
    mtu: u32,
    txqlen: u32,
    group: u32,
    alias: { type: 'string', maxLength: 255 },
    address: hexBytes,
    broadcast: hexBytes,
    operstate: { type: 'integer', minimum: 0, maximum: 6 },
    linkmode: { type: 'integer', minimum: 0, maximum: 1 },
    carrier: bool,
    adminCarrier: bool,
    carrierUpCount: u32,
    carrierDownCount: u32,
    everUp: bool,
    master: u32,
    bridgePort: { type: 'integer', minimum: 1, maximum: 1023 },
    bridgePortForwarding: bool,
    link: u32,
    linkNetns: { type: 'string', description: 'the namespace of `link` when it is not this one (a veth peer elsewhere)' },
    numTxQueues: { type: 'integer', minimum: 1, maximum: 4096 },
    numRxQueues: { type: 'integer', minimum: 1, maximum: 4096 },
    vlan: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'protocol', 'flags'],
      properties: { id: { type: 'integer', minimum: 0, maximum: 4094 }, protocol: { type: 'integer', enum: [0x8100, 0x88a8] }, flags: u32 },
    },
    macvlanMode: { type: 'string', enum: MACVLAN_MODE_NAMES },
    bridge: {
      type: 'object',
      additionalProperties: false,
      required: ['mtuSetByUser', 'carrierFollowsPorts', 'macSetByUser', 'tsoMaxSize'],
      properties: { mtuSetByUser: bool, carrierFollowsPorts: bool, macSetByUser: bool, tsoMaxSize: u32 },
    },
    inet: bool,
    inet6: bool,
    createdAt: { type: 'number' },
    stats: {
      type: 'object',
      additionalProperties: false,
      required: [...LINK_STAT_NAMES],
      properties: Object.fromEntries(LINK_STAT_NAMES.map((n) => [n, counter])),
    },
  },
} as const;

/** One namespace's model in a snapshot. */
export const modelStateSchema = {
  $id: 'ModelState',
  type: 'object',
  additionalProperties: false,
  required: ['lastAutoIndex', 'links'],
  properties: {
    lastAutoIndex: { type: 'integer', minimum: 0, maximum: 0x7fffffff, description: 'the index allocator cursor: the last index handed out automatically' },
    links: { type: 'array', items: { $ref: 'LinkState#' } },
    addresses: { $ref: 'AddressTable#' },
    routes: { $ref: 'RouteTable#' },
    rules: { type: 'object', description: 'the FIB rules (FibRules.export(); checked by importing into a scratch model)' },
    fdb: { type: 'object', description: 'the bridge FDBs and device lists (FdbTable.export(); checked by importing)' },
    neighbours: { $ref: 'NeighbourTable#' },
  },
} as const;

/** GET/PUT /v1/snapshot: the same document as the state directory's snapshot.json (src/state/snapshot.ts). */
export const snapshotSchema = {
  $id: 'Snapshot',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'model'],
  properties: {
    version: { type: 'integer', enum: [1, 2], description: '1: the initial namespace only; 2: with `netns` and `nsids`' },
    model: { $ref: 'ModelState#' },
    netns: {
      type: 'array',
      description: 'every other namespace, in creation order (absent: none)',
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'model'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 255 }, model: { $ref: 'ModelState#' } },
      },
    },
    nsids: {
      type: 'array',
      description: 'the id `observer` gives `peer` ("" is the initial namespace); absent: the ids between namespaces that stay are kept',
      items: {
        type: 'object', additionalProperties: false, required: ['observer', 'peer', 'nsid'],
        properties: { observer: { type: 'string', maxLength: 255 }, peer: { type: 'string', maxLength: 255 }, nsid: { type: 'integer', minimum: 0, maximum: 0x7fffffff } },
      },
    },
  },
} as const;

const u8 = { type: 'integer', minimum: 0, maximum: 255 } as const;
const routeCommon = {
  table: u32,
  protocol: u8,
  scope: u8,
  type: { type: 'integer', minimum: 0, maximum: 11 },
  priority: u32,
  nexthops: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['ifindex', 'weight', 'flags', 'flow'],
      properties: {
        ifindex: { type: 'integer', minimum: 0, maximum: 0x7fffffff },
        gateway4: { type: 'integer', minimum: -0x80000000, maximum: 0x7fffffff },
        gateway6: hexBytes,
        weight: { type: 'integer', minimum: 1, maximum: 256 },
        flags: u8,
        flow: u32,
      },
    },
  },
  metrics: { type: 'array', items: { type: 'array', minItems: 2, maxItems: 2, items: [{ type: 'integer', minimum: 1, maximum: 17 }, { type: ['integer', 'string'] }] } },
} as const;
const routeRequired = ['family', 'table', 'dst', 'dstLen', 'protocol', 'scope', 'type', 'priority', 'nexthops'];

const route4Fields = {
  ...routeCommon, tos: u8, prefsrc: { type: 'integer', minimum: -0x80000000, maximum: 0x7fffffff },
} as const;
const route6List = {
  type: 'array',
  items: {
    type: 'object', additionalProperties: false, required: [...routeRequired, 'src', 'srcLen', 'pref', 'addrconf'],
    properties: {
      ...routeCommon, family: { const: 'inet6' }, dst: hexBytes, src: hexBytes, dstLen: { type: 'integer', minimum: 0, maximum: 128 },
      srcLen: { type: 'integer', minimum: 0, maximum: 128 }, prefsrc: hexBytes, pref: u8, expires: { type: 'number' }, addrconf: { type: 'boolean' },
    },
  },
} as const;

/**
 * A family's routes as columns (src/model/routes/template-columns.ts RouteColumns): its distinct
 * route bodies as `templates`, and per route its prefix bytes, prefix length and template number.
 */
const routeColumns = <R extends readonly string[], P extends object>(required: R, templateFields: P, prefix: string, dst: string) => ({
  type: 'object',
  additionalProperties: false,
  required: ['templates', 'dst', 'dstLen', 'template'],
  properties: {
    templates: {
      type: 'array',
      description: `the distinct route bodies: every field of a route but its ${prefix}`,
      items: { type: 'object', additionalProperties: false, required, properties: templateFields },
    },
    dst: { ...hexBytes, description: `per route, ${dst}` },
    dstLen: { ...hexBytes, description: 'per route, its prefix length: 1 byte' },
    template: { ...hexBytes, description: 'per route, the number of its template, little-endian in 1 byte (up to 256 templates), 2 (up to 65,536) or 4' },
  },
} as const);

/** The IPv4 routes as columns (versions 2 and 3 alike). */
const route4Columns = routeColumns(['table', 'protocol', 'scope', 'type', 'priority', 'nexthops', 'tos', 'prefsrc'] as const, route4Fields,
  'prefix', 'its prefix: 4 bytes in network order');

const route6Template = {
  ...routeCommon, src: hexBytes, srcLen: { type: 'integer', minimum: 0, maximum: 128 }, prefsrc: hexBytes, pref: u8,
  expires: { type: 'number' }, addrconf: { type: 'boolean' },
} as const;

/** Every route as snapshot.json stores it (src/model/routes/routes.ts RouteSnapshot; the columns in columns.ts and columns6.ts). */
export const routeTableSchema = {
  $id: 'RouteTable',
  description: 'Every IPv4 and IPv6 route, in dump order; IPv4 addresses as signed 32-bit integers. Version 3 (written now) holds the routes of both families as columns; version 2 (IPv4 columns, IPv6 as a list) and the list form without `version` (older snapshots) are still read.',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'inet4', 'inet6'],
      properties: {
        version: { const: 3 },
        inet4: route4Columns,
        inet6: routeColumns(['table', 'protocol', 'scope', 'type', 'priority', 'nexthops', 'src', 'srcLen', 'pref', 'addrconf'] as const, route6Template,
          'destination prefix', 'the first ceil(dstLen / 8) bytes of its prefix, one route after another'),
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'inet4', 'inet6'],
      properties: {
        version: { const: 2 },
        inet4: route4Columns,
        inet6: route6List,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['inet', 'inet6'],
      properties: {
        inet: {
          type: 'array',
          items: {
            type: 'object', additionalProperties: false, required: [...routeRequired, 'tos', 'prefsrc'],
            properties: {
              ...route4Fields, family: { const: 'inet' }, dst: { type: 'integer', minimum: -0x80000000, maximum: 0x7fffffff },
              dstLen: { type: 'integer', minimum: 0, maximum: 32 },
            },
          },
        },
        inet6: route6List,
      },
    },
  ],
} as const;

const addrCommon = {
  ifindex: { type: 'integer', minimum: 1, maximum: 0x7fffffff },
  flags: u32,
  scope: { type: 'integer', minimum: 0, maximum: 255 },
  proto: { type: 'integer', minimum: 0, maximum: 255 },
  rtPriority: u32,
  validLft: u32,
  preferredLft: u32,
  cstamp: { type: 'number' },
  tstamp: { type: 'number' },
} as const;
const addrRequired = ['family', 'ifindex', 'prefixlen', 'flags', 'scope', 'proto', 'rtPriority', 'validLft', 'preferredLft', 'cstamp', 'tstamp'];

/** The model's address table as snapshot.json stores it (src/model/addresses.ts AddressSnapshot). */
export const addressTableSchema = {
  $id: 'AddressTable',
  type: 'object',
  additionalProperties: false,
  required: ['now', 'devices'],
  description: 'Every device\'s IPv4/IPv6 addresses and per-device state; times are model milliseconds relative to `now`.',
  properties: {
    now: { type: 'number' },
    devices: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ifindex', 'v4', 'v6', 'up', 'ready', 'inet', 'inet6', 'promoteSecondaries'],
        properties: {
          ifindex: { type: 'integer', minimum: 1, maximum: 0x7fffffff },
          v4: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: [...addrRequired, 'local', 'address', 'label'],
              properties: {
                family: { type: 'string', enum: ['inet'] },
                ...addrCommon,
                prefixlen: { type: 'integer', minimum: 0, maximum: 32 },
                local: hexBytes,
                address: hexBytes,
                broadcast: hexBytes,
                label: { type: 'string', maxLength: 15 },
              },
            },
          },
          v6: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: [...addrRequired, 'address', 'serial'],
              properties: {
                family: { type: 'string', enum: ['inet6'] },
                ...addrCommon,
                prefixlen: { type: 'integer', minimum: 0, maximum: 128 },
                address: hexBytes,
                peer: hexBytes,
                serial: { type: 'integer', minimum: 0 },
              },
            },
          },
          up: bool,
          ready: bool,
          rsSent: bool,
          inet: bool,
          inet6: bool,
          promoteSecondaries: bool,
        },
      },
    },
  },
} as const;

/** Every neighbour and proxy entry as snapshot.json stores them (src/model/neighbours/neighbours.ts NeighbourSnapshot). */
const neighbourKey = { oneOf: [{ type: 'integer', minimum: 0, maximum: 0xffffffff }, { type: 'string', pattern: '^[0-9a-f]{32}$' }], description: 'IPv4 as an unsigned integer, IPv6 as 32 hex digits' } as const;
const clockT = { type: 'integer', minimum: -0x80000000, maximum: 0x7fffffff, description: 'model clock, 1/100 s' } as const;
export const neighbourTableSchema = {
  $id: 'NeighbourTable',
  type: 'object',
  additionalProperties: false,
  required: ['entries', 'proxies'],
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        required: ['family', 'ifindex', 'dst', 'lladdr', 'state', 'flags', 'type', 'protocol', 'probes', 'confirmed', 'used', 'updated'],
        properties: {
          family: { type: 'string', enum: ['inet', 'inet6'] }, ifindex: { type: 'integer', minimum: 1, maximum: 0x7fffffff }, dst: neighbourKey,
          lladdr: { type: 'integer', minimum: -1, maximum: 0xffffffffffff, description: '6-byte address as an integer, -1 for none' },
          state: { type: 'integer', minimum: 0, maximum: 0xffff }, flags: u32, type: u8, protocol: u8, probes: u32,
          confirmed: clockT, used: clockT, updated: clockT,
        },
      },
    },
    proxies: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['family', 'ifindex', 'dst', 'flags', 'protocol', 'permanent'],
        properties: {
          family: { type: 'string', enum: ['inet', 'inet6'] }, ifindex: { type: 'integer', minimum: 0, maximum: 0x7fffffff }, dst: neighbourKey,
          flags: u8, protocol: u8, permanent: { type: 'boolean' },
        },
      },
    },
  },
} as const;

export const sharedSchemas = [errorSchema, ipAddrInfoSchema, ipLinkSchema, linkStateSchema, addressTableSchema, routeTableSchema, neighbourTableSchema, modelStateSchema, snapshotSchema] as const;

// Compile-time guards: a field added to the model's Link or address types without a schema entry
// here fails the type check (snapshots would otherwise refuse, or silently drop, that field).
type Unlisted<T, S extends { properties: object }> = Exclude<keyof T, keyof S['properties']>;
type AddressDevice = AddressSnapshot['devices'][number];
const linkFieldsListed: Record<Unlisted<Link, typeof linkStateSchema>, never> = {};
const addressFieldsListed: Record<
  | Unlisted<AddressSnapshot, typeof addressTableSchema>
  | Unlisted<AddressDevice, typeof addressTableSchema.properties.devices.items>
  | Unlisted<Inet4Address, typeof addressTableSchema.properties.devices.items.properties.v4.items>
  | Unlisted<Inet6Address, typeof addressTableSchema.properties.devices.items.properties.v6.items>,
  never
> = {};
void linkFieldsListed;
void addressFieldsListed;
