#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx (no build step). The tsconfig is passed
// explicitly so decorators compile the same way whatever the current directory is.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');
