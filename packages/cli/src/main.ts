#!/usr/bin/env node
/** The `iqa` executable (`bin/iqa.js`). */
import { processIo } from './io.js';
import { EXIT } from './exit-codes.js';
import { runCli } from './run-cli.js';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('iqa: unexpected error (a bug; please report it with this trace):', err);
    process.exitCode = EXIT.BUG;
  },
);
