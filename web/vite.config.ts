/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The built app lands in web/dist, which `bigr serve` embeds (rust-embed) and serves at `/`.
// Asset names keep Vite's default content hashes (dist/assets/*-[hash].js|css), so the
// server can cache them forever and only index.html must be revalidated.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Embedded in the binary: no source maps. The real budget (initial JS) is enforced by
    // scripts/bundle-size.mjs; this only warns about one oversized chunk (Chart.js is ~190 kB raw).
    sourcemap: false,
    chunkSizeWarningLimit: 250,
    rolldownOptions: {
      // Rolldown's PLUGIN_TIMINGS check prints a breakdown whenever a build takes over 3 s and
      // plugin callbacks dominate it. This build takes ~2 s; it only crosses 3 s on a busy
      // machine (CI, cargo building alongside), and then names vite:vue and vite:css, which
      // are the whole job here. Nothing in it is actionable.
      checks: { bundlerTimings: false },
    },
  },
  server: {
    // `npm run dev`: the SPA on Vite's port, the API from a local `bigr serve`.
    proxy: {
      '/api': {
        target: 'http://127.0.0.1:8090',
        changeOrigin: false,
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
})
