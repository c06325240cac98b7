import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app's build (docs/web.md). Output: web/dist, served by src/http/plugins/web-ui.ts; hashed files under
// /_app/ so no API path is shadowed and each can be cached for a year.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: '_app',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite web` during development: the API runs on its own port and is proxied (same origin for the cookie).
    proxy: { '^/(?!_app/|@|src/|node_modules/).+': { target: 'http://127.0.0.1:8080', bypass: (req) => (req.headers.accept?.includes('text/html') ? '/index.html' : undefined) } },
  },
});
