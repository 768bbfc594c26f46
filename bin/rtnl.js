#!/usr/bin/env node
// `rtnl`, the iproute2-style command line: one bundled CommonJS file (dist/rtnl.cjs, `npm run
// build`) run from V8's code cache, so a call starts about as fast as node itself; the sources
// when it is out of date (see launch.js).
require('./launch.js').launch('rtnl', 'dist/rtnl.cjs', 'src/cli/main.ts');
