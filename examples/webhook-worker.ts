// A Cloudflare Worker that receives Capx webhooks: it checks the signature before trusting
// anything in the body, and answers 400 to a delivery that is forged, altered or replayed late.
//
//   npx wrangler secret put CAPX_WEBHOOK_SECRET     # the whsec_... of your webhook endpoint
//   npx wrangler deploy examples/webhook-worker.ts
import { CapxError, Webhook } from "capx";

interface Env {
  CAPX_WEBHOOK_SECRET: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return new Response("POST webhooks here", { status: 405 });
    // The raw body, exactly as signed: parse nothing before verifying.
    const body = await request.text();
    try {
      const event = new Webhook(env.CAPX_WEBHOOK_SECRET).verify(body, request.headers);
      switch (event.type) {
        case "task.approval_required":
          console.log(`task ${event.data.task_id} waits for your approval`);
          break;
        case "task.completed":
          console.log(`task ${event.data.task_id} completed, cost ${event.data.cost ?? 0}`);
          break;
        default:
          console.log(`${event.type} (${event.id})`);
      }
      // A 2xx tells Capx the delivery arrived; anything else is retried with the same webhook-id.
      return new Response(null, { status: 204 });
    } catch (e) {
      if (e instanceof CapxError && e.code === "invalid_signature") {
        return new Response("invalid signature", { status: 400 });
      }
      throw e;
    }
  },
};
