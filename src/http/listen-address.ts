import ipaddr from 'ipaddr.js';

/** Where the admin HTTP API listens: `--http 127.0.0.1:9180`, `--http [::1]:9180` or `--http unix:/path`. */
export type ListenAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export class ListenAddressError extends Error {}

/** Parses a `--http` value; throws ListenAddressError saying what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    if (!path) throw new ListenAddressError('unix: needs a socket path, e.g. unix:/run/rtnld/http.sock');
    return { kind: 'unix', path };
  }
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) throw new ListenAddressError(`expected HOST:PORT, [IPV6]:PORT or unix:PATH, got "${text}"`);
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port > 65535) throw new ListenAddressError(`port ${port} is out of range`);
  if (m[1] !== undefined && !ipaddr.IPv6.isValid(host)) throw new ListenAddressError(`"${host}" is not an IPv6 address`);
  return { kind: 'tcp', host, port };
}

/**
 * Whether only this machine can reach the address: a Unix socket, `localhost`, or an address
 * in 127.0.0.0/8 or ::1 (IPv4-mapped loopback included). Anything else, including 0.0.0.0, `::`
 * and host names, counts as reachable from the network.
 */
export function isLoopback(addr: ListenAddress): boolean {
  if (addr.kind === 'unix') return true;
  if (addr.host === 'localhost') return true;
  if (!ipaddr.isValid(addr.host)) return false;
  let ip = ipaddr.parse(addr.host);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'loopback';
}

export function formatListenAddress(addr: ListenAddress): string {
  if (addr.kind === 'unix') return `unix:${addr.path}`;
  return addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}
