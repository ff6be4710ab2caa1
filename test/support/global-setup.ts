// One PostgreSQL for the whole test run: DATABASE_URL if given, else an
// embedded server in a temporary directory. Each test file makes its own database.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startOrReuseEmbedded } from '../../warehouse/embedded.ts';
import { freePort } from '../../warehouse/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('postgresUrl', process.env.DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sa-test-pg-'));
  const server = await startOrReuseEmbedded(dir, await freePort());
  project.provide('postgresUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
