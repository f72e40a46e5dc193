// The Worker of bench/coldstart-workerd.mjs that uses capx: its first request imports the
// package (the wasm arrives compiled, as wrangler bundles it), makes a client and reads an
// envelope.
import { Capx, parseEnvelope } from "../pkg/workerd.js";

export default {
  fetch(request, env) {
    new Capx({ apiKey: env.CAPX_API_KEY });
    return Response.json(parseEnvelope(200, env.BODY).data);
  },
};
