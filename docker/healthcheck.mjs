#!/usr/bin/env node
// The container's health check: GET /healthz (or the path given as the first argument, e.g.
// /readyz) on the admin API named by $RTNLD_HTTP ("HOST:PORT", "[IPV6]:PORT" or "unix:PATH").
// Exits 0 on HTTP 200, 1 otherwise. Plain JavaScript: the runtime image has no tsx or curl.
import { request } from 'node:http';

const target = process.env.RTNLD_HTTP || '127.0.0.1:9180';
const path = process.argv[2] || '/healthz';

let where;
if (target.startsWith('unix:')) {
  where = { socketPath: target.slice('unix:'.length) };
} else {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(target);
  if (!m) {
    process.stderr.write(`healthcheck: cannot parse RTNLD_HTTP=${target}\n`);
    process.exit(1);
  }
  const host = m[1] ?? m[2];
  // A wildcard bind is reached through loopback from inside the container.
  where = { host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host, port: Number(m[3]) };
}

const req = request({ ...where, path, method: 'GET', timeout: 2500 }, (res) => {
  res.resume();
  res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 1));
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  process.stderr.write(`healthcheck: ${err.message}\n`);
  process.exit(1);
});
req.end();
