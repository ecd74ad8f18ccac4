// The page, built by `npm run build:web` into web/dist/: plain files that any static server can host (no special
// headers needed; with cross-origin isolation the training worker uses threads).
import { defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  // the dev server and `vite preview` are cross-origin isolated, so that training there runs on threads
  server: { headers: isolation },
  preview: { headers: isolation },
});
