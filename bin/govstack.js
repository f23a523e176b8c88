#!/usr/bin/env node
'use strict';
// The front end's commands run from its bundle when it was built (src/cli/start.ts).
require('../dist/src/cli/start.js').start(process.argv.slice(2));
