import { defineConfig } from 'vite';

// The browser app lives in client/ and is built to dist/client, which the bridge serves (server/app.ts).
export default defineConfig({
  root: 'client',
  base: './',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
