#!/usr/bin/env node
// Built by `npm run build` (tsc -b) at the repository root.
import '../dist/doctor/cli.js';
