import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is its own Vite project inside the repo (one package.json at the root). It is served
// by the hub at /console (same origin as /graphql), so every URL in the bundle is under /console/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // A strict CSP (no inline script) and closed networks: everything is a hashed file of the bundle.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npx vite console` during development: API calls go to a hub on the default port.
    proxy: { '/graphql': 'http://127.0.0.1:4000' },
  },
});
