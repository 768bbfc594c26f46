// Shared by bin/rtnld.js and bin/rtnl.js: run the built copy in dist/ when it is current, else
// the TypeScript sources through tsx (a dev dependency), saying why on stderr. Nobody runs a
// dist/ older than src/ without knowing it:
//
//   dist/ current                  -> dist (`npm ci` builds it: scripts/prepare.js; the image ships it)
//   dist/ missing or older than a  -> the sources via tsx, with a one-line notice
//   .ts file in src/ or protocol/     (RTNLD_SOURCE_NOTICE=0 silences it; the tests set it)
//   ... and tsx not installed      -> exit 1 saying to run `npm run build`
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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
export function staleReason(built) {
  let builtMs;
  try {
    builtMs = statSync(join(root, built)).mtimeMs;
  } catch {
    return `${built} is not built`;
  }
  const newest = newestSource();
  return newest.mtimeMs > builtMs ? `${relative(root, newest.path)} changed after ${built} was built` : undefined;
}

/** Imports `built` when current, else `source` through tsx. `name` prefixes the messages. */
export async function launch(name, built, source) {
  const why = staleReason(built);
  if (why === undefined) return import(pathToFileURL(join(root, built)).href);
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
