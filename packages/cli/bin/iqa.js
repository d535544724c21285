#!/usr/bin/env node
// The `iqa` command: runs the compiled CLI (build first with `npm run build`).
import '../dist/cli/main.js';
