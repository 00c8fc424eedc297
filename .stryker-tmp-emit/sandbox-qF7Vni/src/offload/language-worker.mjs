// @ts-nocheck
// Worker threads do not inherit the TypeScript loader of vitest and do not always run under tsx:
// register tsx here, then load the worker itself (as src/embedded/sources-worker.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./language-worker.ts');
