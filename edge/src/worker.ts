// The Worker entry: wires the Hono app to workerd's fetch handler and exports the per-key meter
// Durable Object class. Nothing else lives here.
import { createApp } from "./app.js";
import type { Env } from "./config/env.js";

export { KeyMeter } from "./meter/key-meter.js";

const app = createApp();

export default {
  fetch(request, env, ctx) {
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
