#!/usr/bin/env node
'use strict';
// validate and catalog run from the bundled front end when it was built (src/cli/start.ts).
require('../dist/src/cli/start.js').start(process.argv.slice(2));
