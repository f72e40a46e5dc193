// The Worker of bench/workerd.mjs. Each request runs one round of one variant and answers
// once it is done; bench/workerd.mjs times the request from Node and reads workerd's CPU
// time around it (inside workerd the clocks stand still between I/O).
//   ?variant=raw|hand|capx&n=N      N GETs of one company to capx-mock, 16 in flight
//   ?variant=raw|hand|capx&n=N&memory  the same against a fetch answering from memory
//   ?variant=parse-capx|parse-hand|parse-capx-bare&n=N  N envelopes read from one body
import { Capx, parseEnvelope } from "../pkg/workerd.js";
import { byHandClient, envelopeByHand } from "./by-hand.mjs";

const inFlight = 16;

// Made once per isolate, as a Worker keeps its clients across requests.
let clients;
function clientsOf(env) {
  if (clients) return clients;
  const { CAPX_API_KEY: apiKey, CAPX_BASE_URL: baseUrl, COMPANY_ID: id, BODY: body } = env;
  const headers = new Headers(JSON.parse(env.HEADERS));
  const path = `/companies/${id}`;
  const rawHeaders = { Authorization: `Bearer ${apiKey}`, Accept: "application/json" };
  const check = (data) => {
    if (data.id !== id) throw new Error("wrong company");
  };
  // The same answer as capx-mock's, without the network: what is left is each client's own work.
  const fromMemory = async () => new Response(body, { headers });
  const over = (fetch) => {
    const hand = byHandClient({ apiKey, baseUrl, fetch });
    const capx = new Capx({ apiKey, baseUrl, fetch });
    return {
      raw: async () => check(JSON.parse(await (await fetch(`${baseUrl}${path}`, { headers: rawHeaders })).text()).data),
      hand: async () => check((await hand.get(path)).data),
      capx: async () => check((await capx.companies.get(id)).data),
    };
  };
  const network = over((...args) => fetch(...args));
  // The capx of the network rows uses the fetch it finds, as a user's would.
  const ownFetch = new Capx({ apiKey, baseUrl });
  network.capx = async () => check((await ownFetch.companies.get(id)).data);
  clients = { network, memory: over(fromMemory), body, headers, check };
  return clients;
}

async function inParallel(n, one) {
  let left = n;
  const loop = async () => {
    while (left-- > 0) await one();
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
}

export default {
  async fetch(request, env) {
    const params = new URL(request.url).searchParams;
    const variant = params.get("variant");
    const n = Number(params.get("n"));
    const { network, memory, body, headers, check } = clientsOf(env);
    const parses = {
      "parse-capx": () => check(parseEnvelope(200, body, headers).data),
      "parse-capx-bare": () => check(parseEnvelope(200, body).data),
      "parse-hand": () => check(envelopeByHand(200, body, headers).data),
    };
    if (parses[variant]) {
      for (let i = 0; i < n; i++) parses[variant]();
    } else {
      await inParallel(n, (params.has("memory") ? memory : network)[variant]);
    }
    return new Response("done");
  },
};
