#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx invex` works right after `npm ci`
// with no build step that could go stale.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
