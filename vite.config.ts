import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Writes a .gz beside every script and stylesheet, which the server sends to browsers that take gzip. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'tierdesk-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      const assets = path.join(outDir, 'assets');
      if (!fs.existsSync(assets)) return;
      for (const f of fs.readdirSync(assets))
        if (/\.(js|css|svg)$/.test(f)) {
          const data = fs.readFileSync(path.join(assets, f));
          fs.writeFileSync(path.join(assets, `${f}.gz`), zlib.gzipSync(data, { level: 9 }));
        }
    },
  };
}

/** The web app: web/ → web/dist, served by the Tierdesk server itself (src/core/http/static.ts). */
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'web'),
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
