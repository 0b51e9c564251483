import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { LIGHT_KEYS, pickStrings } from './web/src/light/keys.js';
import { en } from './web/src/i18n/en.js';
import { ru } from './web/src/i18n/ru.js';

/** `virtual:light-strings/en` and `/ru`: the light portal's strings of one language (web/src/light/keys.ts). */
function lightStrings(): Plugin {
  const prefix = 'virtual:light-strings/';
  const tables: Record<string, object> = { en, ru };
  return {
    name: 'tierdesk-light-strings',
    resolveId: (id) => (id.startsWith(prefix) ? `\0${id}` : undefined),
    load(id) {
      if (!id.startsWith(`\0${prefix}`)) return undefined;
      const table = tables[id.slice(prefix.length + 1)];
      if (!table) throw new Error(`No strings for ${id.slice(1)}`);
      return `export default ${JSON.stringify(pickStrings(table, LIGHT_KEYS))};`;
    },
  };
}

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
  plugins: [react(), lightStrings(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
