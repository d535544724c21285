#!/usr/bin/env node
// The `iqa` command: runs the compiled CLI (in this repository, build first with `npm run build`).
import '../dist/main.js';
