import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm run dev` serves the app with hot reload and sends what it asks of the
// system to the gateway of `make dev`, as the gateway itself would.
const gateway = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? "8080"}`;

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": gateway,
      "/config.json": gateway,
    },
  },
  test: {
    environment: "jsdom",
  },
});
