import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w dashboard` proxies the API to a local `npm start`.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/prometheus': 'http://127.0.0.1:8080' } },
});
