export {
  connect, decodeEvent, Dump, parseMac, RtnlClient, Subscription,
  type Address, type AddressesFilter, type AddressOptions, type ConnectOptions, type CreateLinkOptions, type Link,
  type LinkAttributes, type LinkRef, type LinksFilter, type MacAddress, type Route, type RouteOptions, type RtnlEvent,
  type RtnlGroup, type SetLinkOptions, type SubscribeOptions,
} from './client.js';
export { ConnectionClosedError, NetlinkError } from './errors.js';
export { decodeAddrMessage, type DecodedAddr } from '../../protocol/addr-decode.js';
export { writeAddrRequest, type AddrRequest } from '../../protocol/addr-request.js';
export { decodeRouteMessage } from '../../protocol/route-decode.js';
export { writeRouteRequest, type RouteRequest } from '../../protocol/route-request.js';
