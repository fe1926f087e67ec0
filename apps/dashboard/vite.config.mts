import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const lib = (name: string) => fileURLToPath(new URL(`../../libs/${name}/src/index.ts`, import.meta.url));
const serverUrl = process.env.CLUSTERPULSE_SERVER_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  // Libraries are consumed from source so the dashboard never depends on a stale dist/.
  resolve: {
    alias: {
      '@clusterpulse/contracts': lib('contracts'),
      '@clusterpulse/kpi': lib('kpi'),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': serverUrl,
      '/ws': { target: serverUrl.replace(/^http/, 'ws'), ws: true },
    },
  },
});
