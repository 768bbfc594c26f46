#!/usr/bin/env node
// Prints the path of the LD_PRELOAD adaptor (librtnld-preload.so), building it first with the
// system C compiler when it is missing or older than its source:
//
//   RTNL_SOCKET=./rtnl.sock LD_PRELOAD=$(npx rtnld-preload-path) ip link show
//
// --build        rebuild even if the library is up to date (npm run build uses this)
// --if-possible  with no compiler, warn and exit 0 instead of failing (npm run build)
// --quiet        print nothing but the path (or errors)
//
// The daemon itself needs no compiler; only this adaptor does. $CC overrides `cc`.
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const sourceDir = join(root, 'src', 'preload');
const source = join(sourceDir, 'rtnld-preload.c');
// Every C file and header of the adaptor: the library is out of date when any is newer.
const sources = existsSync(sourceDir) ? readdirSync(sourceDir).filter((f) => /\.[ch]$/.test(f)).sort().map((f) => join(sourceDir, f)) : [];
const units = sources.filter((f) => f.endsWith('.c'));
const packaged = join(root, 'dist', 'preload', 'librtnld-preload.so');
const args = new Set(process.argv.slice(2));
const force = args.has('--build');
const ifPossible = args.has('--if-possible');
const quiet = args.has('--quiet');
const cc = process.env.CC || 'cc';

function fail(message) {
  process.stderr.write(`rtnld-preload-path: ${message}\n`);
  process.exit(1);
}

function note(message) {
  if (!quiet) process.stderr.write(`rtnld-preload-path: ${message}\n`);
}

function writableDir(dir) {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function upToDate(lib) {
  try {
    const built = statSync(lib).mtimeMs;
    return sources.every((f) => built >= statSync(f).mtimeMs);
  } catch {
    return false;
  }
}

function hasCompiler() {
  const r = spawnSync(cc, ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Compiles into a temporary file beside `lib`, then renames it (concurrent builds are safe). */
function build(lib) {
  const tmp = `${lib}.${process.pid}.tmp`;
  const r = spawnSync(cc, [
    '-shared', '-fPIC', '-O2', '-g', '-Wall', '-Wextra', '-Werror=implicit-function-declaration', '-fvisibility=hidden', '-D_GNU_SOURCE',
    '-o', tmp, ...units, '-ldl', '-lpthread',
  ], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    fail(`compiling ${units.join(' ')} with ${cc} failed:\n${r.error?.message ?? ''}${r.stderr ?? ''}`);
  }
  renameSync(tmp, lib);
}

if (!existsSync(source)) fail(`the adaptor's source is missing: ${source}`);

// The package's own dist/ when it is writable (or already holds a current build), else a per-user
// cache keyed by the source's contents, for installs in read-only places.
let lib = packaged;
if (!upToDate(packaged) && !writableDir(dirname(packaged))) {
  const hash = createHash('sha256');
  for (const f of sources) hash.update(readFileSync(f));
  const digest = hash.digest('hex').slice(0, 16);
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rtnld');
  lib = join(cache, `librtnld-preload-${digest}.so`);
  if (!writableDir(cache) && !existsSync(lib)) fail(`cannot write ${dirname(packaged)} or ${cache} to build the adaptor`);
}

if (force || !upToDate(lib)) {
  if (!hasCompiler()) {
    const why = `no C compiler (${cc}) found: the LD_PRELOAD adaptor cannot be built. `
      + 'Install one (e.g. `apt-get install gcc libc6-dev`) and run `npm run build` or this command again; '
      + 'the daemon itself does not need it.';
    if (existsSync(lib) && !force) {
      note(`${why} Using the existing, older build.`);
    } else if (ifPossible) {
      note(`${why} Skipped.`);
      process.exit(0);
    } else {
      fail(why);
    }
  } else {
    build(lib);
    note(`built ${lib}`);
  }
}

process.stdout.write(`${lib}\n`);
