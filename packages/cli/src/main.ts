#!/usr/bin/env node
/** The `iqa` executable: `node packages/runtime-node/dist/cli/main.js <command> ...`. */
import { processIo } from './io.js';
import { runCli } from './run-cli.js';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('iqa: unexpected error:', err);
    process.exitCode = 70;
  },
);
