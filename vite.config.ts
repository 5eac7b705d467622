import { defineConfig } from 'vite';

// The browser app lives in client/ and is built to dist/client, which the bridge serves (server/app.ts). The
// instructor's class view (client/class.html) is a second build, `vite build --mode class`, into the same folder:
// built together, the two pages would share chunks (Vite's module preload polyfill among them), and the terminal's
// first load would fetch more files and bytes (docs/benchmarks.md, client weight).
export default defineConfig(({ mode }) => ({
  root: 'client',
  base: './',
  build: {
    outDir: '../dist/client',
    emptyOutDir: mode !== 'class',
    sourcemap: true,
    target: 'es2022',
    ...(mode === 'class' ? { rollupOptions: { input: 'client/class.html' } } : {}),
  },
}));
