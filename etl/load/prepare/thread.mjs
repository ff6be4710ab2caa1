// Entry of a preparing thread. Plain JavaScript: it registers tsx so the worker,
// like the rest of the project, runs from its TypeScript sources (under tsx,
// vitest or plain node alike).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
