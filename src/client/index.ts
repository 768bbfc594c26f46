export { connect, RtnlClient } from './client.js';
export type { Address, AddressesFilter, AddressOptions } from './addresses.js';
export type { ConnectOptions } from './core.js';
export { Dump } from './dump.js';
export { decodeEvent, Subscription, type RtnlEvent, type RtnlGroup, type SubscribeOptions } from './events.js';
export {
  parseMac, type CreateLinkOptions, type Link, type LinkAttributes, type LinkRef, type LinksFilter, type MacAddress,
  type SetLinkOptions,
} from './links.js';
export type { Route, RouteOptions, RoutesFilter } from './routes.js';
export type { Rule, RulesFilter } from './rules.js';
export type { FdbEntryMessage, FdbRequest } from './fdb.js';
export { writeRuleRequest, type RuleRequest } from '../../protocol/rule-request.js';
export { decodeRuleMessage } from '../../protocol/rule-message.js';
export type { LearnedNeighbour, Neighbour, NeighbourOptions, NeighboursFilter } from './neighbours.js';
export { ConnectionClosedError, NetlinkError } from './errors.js';
export { decodeAddrMessage, type DecodedAddr } from '../../protocol/addr-decode.js';
export { writeAddrRequest, type AddrRequest } from '../../protocol/addr-request.js';
export { decodeRouteMessage } from '../../protocol/route-decode.js';
export { writeRouteRequest, type RouteRequest } from '../../protocol/route-request.js';
