import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app is served by Express from web/dist on the same origin as the API; in `npm run dev`
// Vite serves it with hot reload and proxies /api to the Express server.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { "/api": `http://127.0.0.1:${process.env.API_PORT ?? 3000}` } },
});
