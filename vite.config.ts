// Builds the leadership dashboard (dashboard/) into dist/dashboard, which the
// server serves on http://localhost:4000. `npm run dev:dashboard` proxies the
// API to that server. Tests use vitest.config.ts.
import { defineConfig } from 'vite';

const apiServer = 'http://localhost:4000';

export default defineConfig({
  root: 'dashboard',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/dashboard',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      onLog(level, log, handler) {
        // antd's modules start with "use client" (for React Server Components), which a browser bundle ignores
        if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('"use client"')) return;
        handler(level, log);
      },
    },
  },
  server: {
    proxy: {
      '/cubejs-api': apiServer,
      '/api': apiServer,
    },
  },
});
