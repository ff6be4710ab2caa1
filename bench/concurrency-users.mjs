// Entry of the simulated users' thread. Plain JavaScript: it registers tsx so
// the thread runs from the TypeScript sources, like the rest of the bench.
import { register } from 'tsx/esm/api';

register();
await import('./concurrency-users.ts');
