#!/usr/bin/env node
// The `rivulet` command. The CLI itself lives in src/cli and is compiled to dist/ by `npm install`
// (the `prepare` script), so this file only loads it.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
