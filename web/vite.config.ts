// Builds the dashboard into web/dist, which the API serves (src/api/static.ts).
// `vite build --config web/vite.config.ts` from the repository root; `vite --config web/vite.config.ts`
// for a dev server that proxies /api to a running `neurotrade start` on 127.0.0.1:8080.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1_000,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
