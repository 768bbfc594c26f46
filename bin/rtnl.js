#!/usr/bin/env node
// `rtnl`, the iproute2-style command line: one bundled file (dist/rtnl.mjs, `npm run build`) so a
// call starts about as fast as node itself; the sources when it is out of date (see launch.js).
import { launch } from './launch.js';

await launch('rtnl', 'dist/rtnl.mjs', 'src/cli/main.ts');
