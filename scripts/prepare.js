// `prepare` (run by `npm ci` / `npm install` in a checkout, and by `npx` on first use): builds
// dist/ unless it is current, so the package's import (`dist/src/index.js`) and the fast bins
// work right after installing, and a second install does not rebuild for nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, staleReason } from '../bin/launch.js';

// A production install (`npm ci --omit=dev`) has no compiler: it runs a dist/ built elsewhere.
if (!existsSync(join(root, 'node_modules', 'typescript'))) process.exit(0);
const why = staleReason('dist/src/main.js') ?? staleReason('dist/rtnl.cjs');
if (why === undefined) process.exit(0);
process.stderr.write(`rtnld: building dist/ (${why})\n`);
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
