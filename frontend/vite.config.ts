import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the UI with hot reload and forwards the API to a running service
// (`BACKOFFICE_URL`, default the service's default address), and the invoice documents
// (`/invoices/12.pdf`, `/invoices/12/lines/3.csv`), not the `/invoices` pages, and a bulk
// batch's results (`/send-batches/4.csv`).
const api = process.env.BACKOFFICE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/graphql': api, '/health': api, '/metrics': api, '^/invoices/.+\\.(pdf|csv|xlsx)$': api, '^/send-batches/.+\\.csv$': api },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
