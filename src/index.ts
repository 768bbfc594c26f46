// The package's public API: the typed rtnetlink client, the iproute2-style formatters, and the
// wire codec they share with the daemon.
export * from './client/index.js';
export { addressJson, addressText, printAddress, type AddressPrintOptions, type AddressView } from './format/address.js';
export { linkJson, linkText, printLink, printLinkStats, type LinkPrintOptions } from './format/link.js';
export { LinkTable } from './format/link-table.js';
export { stringifyJson, JsonRaw, type JsonObject, type JsonValue } from './format/json.js';
export { Printer } from './format/printer.js';
export { decodeLinkMessage, decodeLinkStats, decodeMacvlanData, decodeVlanData, type DecodedLink, type LinkStats } from '../protocol/link-decode.js';
export { writeLinkRequest, writeLinkRequestBody, type LinkRequest } from '../protocol/link-request.js';
export { decodeAck, type DecodedAck } from '../protocol/ack-decode.js';
export { errnoNumber, errnoSymbol, strerror } from '../protocol/errno-names.js';
export { formatInet, parseInet, parsePrefix } from '../protocol/inet.js';
export * as constants from '../protocol/constants.js';
