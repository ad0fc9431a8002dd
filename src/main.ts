#!/usr/bin/env node
import { launch } from './cli/launch.js';

// The CLI itself is dist/bundle.cjs (src/cli/start.ts and what it imports, see src/build/bundle.ts).
launch(new URL('./bundle.cjs', import.meta.url), process.argv.slice(2));
