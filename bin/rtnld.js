#!/usr/bin/env node
// `rtnld`, the daemon: dist/src/main.js when it is current, else the sources (see launch.js).
require('./launch.js').launch('rtnld', 'dist/src/main.js', 'src/main.ts');
