// Shared by bin/rtnld.js and bin/rtnl.js: run the built copy in dist/ when it is current, else
// the TypeScript sources through tsx (a dev dependency), saying why on stderr. Nobody runs a
// dist/ older than src/ without knowing it:
//
//   dist/ current                  -> dist (`npm ci` builds it: scripts/prepare.js; the image ships it)
//   dist/ missing or older than a  -> the sources via tsx, with a one-line notice
//   .ts file in src/ or protocol/     (RTNLD_SOURCE_NOTICE=0 silences it; the tests set it)
//   ... and tsx not installed      -> exit 1 saying to run `npm run build`
//
// CommonJS (bin/package.json), like the bundled CLI: Node starts a CommonJS entry ~8 ms sooner
// than an ES module one, and a CommonJS file can run from V8's code cache (runWithCodeCache).
'use strict';
const { readdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join, relative } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const root = join(__dirname, '..');

/** The newest .ts file under src/ and protocol/ (none in the runtime image, which ships dist/ only). */
function newestSource() {
  let newest = { path: undefined, mtimeMs: 0 };
  // A walk by hand: Node 20's readdirSync({ recursive: true }) costs ~10 ms more here, on every call.
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`; // not path.join: this loop runs on every CLI call
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const { mtimeMs } = statSync(path);
        if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
      }
    }
  };
  for (const dir of ['src', 'protocol']) walk(join(root, dir));
  return newest;
}

/** Why `built` (relative to the root) cannot be used, or undefined when it is current. */
function staleReason(built) {
  let builtMs;
  try {
    builtMs = statSync(join(root, built)).mtimeMs;
  } catch {
    return `${built} is not built`;
  }
  const newest = newestSource();
  return newest.mtimeMs > builtMs ? `${relative(root, newest.path)} changed after ${built} was built` : undefined;
}

/**
 * Runs the CommonJS file `path` as require() would, but compiled from V8's code cache kept beside it
 * (`path`.v8cache) when there is one: most of a short CLI call is otherwise spent compiling the
 * bundle. The cache is written once, after the first call that had none (or a rejected one), so
 * it holds every function that call compiled. Its header names the file's size and mtime: a
 * rebuilt bundle never runs with an older bundle's code (V8 itself only checks the length).
 * A read-only dist/ just goes without.
 */
function runWithCodeCache(path) {
  const source = readFileSync(path, 'utf8');
  const { size, mtimeMs } = statSync(path);
  const cacheFile = `${path}.v8cache`;
  const key = Buffer.from(`${size}:${mtimeMs}\n`);
  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.subarray(0, key.length).equals(key)) cachedData = cache.subarray(key.length);
  } catch {
    // no cache yet
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: path, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('beforeExit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([key, script.createCachedData()]));
        renameSync(tmp, cacheFile); // concurrent calls: each rename is whole
      } catch {
        // dist/ not writable: run without a cache
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(path), module, path, dirname(path));
}

/**
 * Runs `built` when current, else `source` through tsx. `name` prefixes the messages. A built
 * .cjs file runs from the code cache (runWithCodeCache); anything else is imported.
 */
async function launch(name, built, source) {
  const why = staleReason(built);
  if (why === undefined) {
    const path = join(root, built);
    return built.endsWith('.cjs') ? runWithCodeCache(path) : import(pathToFileURL(path).href);
  }
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`${name}: ${why}, and tsx (a dev dependency) is not installed to run the sources instead: `
      + 'run `npm ci && npm run build`\n');
    process.exit(1);
  }
  if (process.env.RTNLD_SOURCE_NOTICE !== '0') {
    process.stderr.write(`${name}: ${why}: running the TypeScript sources (slower start); \`npm run build\` updates dist/\n`);
  }
  register();
  return import(pathToFileURL(join(root, source)).href);
}

exports.root = root;
exports.staleReason = staleReason;
exports.launch = launch;
