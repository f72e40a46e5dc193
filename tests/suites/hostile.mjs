// The client against a server that misbehaves on purpose (tests/runtimes/hostile-server.mjs):
// redirects to another origin, a key echoed back, event-stream ids and Content-Types to the
// letter of the WHATWG rules. Runs in Node (over node:http and over fetch) and in workerd
// (an old and a new compatibility date).
import { eq, ok, fails, within10s } from "./harness.mjs";

export function hostileCases({ Capx, CapxError }, { hostileOrigin, foreignOrigin, nodeInspect, clientOptions = {} }) {
  const baseUrl = `${hostileOrigin}/v1`;
  const tag = () => Math.random().toString(36).slice(2, 10);
  const client = (opts = {}) => {
    const apiKey = `capx_sk_test_${tag()}${tag()}`;
    return { apiKey, capx: new Capx({ apiKey, baseUrl, maxRetries: 0, dangerouslyAllowBrowser: true, ...clientOptions, ...opts }) };
  };
  const requests = async (t) => (await fetch(`${hostileOrigin}/__log/${t}`)).json();
  const first = (stream) => within10s(stream[Symbol.asyncIterator]().next(), "still waiting after 10 s");
  // Takes `n` events and the stream's lastEventId after each.
  const take = async (stream, n) => {
    const got = [];
    for await (const event of stream) if (got.push([event.n, stream.lastEventId]) === n) break;
    return got;
  };
  const rejection = (promise) => promise.then(() => ok(false, "resolved"), (e) => e);
  const hex = (text) => Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
  // Every string an error shows, each checked for the key and for a cut-off start of it.
  const noKey = (e, apiKey) => {
    const shown = { message: e.message, stack: e.stack, string: String(e), json: JSON.stringify(e), code: e.code, docs: e.docs, inspect: nodeInspect?.(e) };
    for (const [where, text] of Object.entries(shown)) ok(!String(text).includes(apiKey.slice(0, 18)), `the key is in the error's ${where}: ${text}`);
  };

  return [
    ["a redirect to another origin is refused with that origin named, never followed: list, create, request, activity", async () => {
      for (const status of [301, 302, 303, 307, 308]) {
        const t = tag();
        const co = `r${status}-${t}`;
        const { capx, apiKey } = client();
        const calls = [
          () => capx.tasks.list(co),
          () => capx.tasks.create(co, { title: "carried away" }),
          () => capx.request("POST", `/companies/${co}/pause`, { body: { x: 1 } }),
          () => first(capx.companies.activity(co)),
        ];
        for (const call of calls) {
          const e = await fails(call, "invalid_response", CapxError);
          eq([e.status, e.retryable], [status, false], e.message);
          ok(e.message.includes(`redirect to ${foreignOrigin},`), e.message);
          noKey(e, apiKey);
        }
        const log = await requests(t);
        eq(log.filter((r) => r.foreign).length, 0, `HTTP ${status}: the foreign origin was reached`);
        eq(log.length, calls.length, "one request each, no retry");
      }
    }],
    ["an opaque redirect (status 0, as a browser gives for redirect: manual) is refused too", async () => {
      let init;
      const opaque = (_, i) => {
        init = i;
        const response = new Response(null, { status: 200 });
        Object.defineProperty(response, "status", { value: 0 });
        Object.defineProperty(response, "type", { value: "opaqueredirect" });
        return Promise.resolve(response);
      };
      const { capx } = client({ fetch: opaque });
      const e = await fails(capx.companies.list(), "invalid_response", CapxError);
      eq([e.status, e.retryable], [null, false]);
      ok(/redirect \(its target not disclosed\), which is not followed/.test(e.message), e.message);
      eq(init.redirect, "manual", "fetch is told not to follow");
      await fails(first(capx.companies.activity("co_1")), "invalid_response", CapxError);
    }],
    ["a key echoed by the server reaches no error: message, stack, docs, code, a body's excerpt, activity()", async () => {
      for (const scenario of ["echomsg", "echocode", "echohtml"]) {
        const { capx, apiKey } = client();
        const co = `${scenario}-${tag()}`;
        const errors = [await rejection(capx.companies.get(co)), await rejection(first(capx.companies.activity(co)))];
        for (const e of errors) {
          ok(e instanceof CapxError, String(e));
          noKey(e, apiKey);
          ok(`${e.message} ${e.docs} ${e.code}`.includes("[redacted]"), `${scenario}: nothing says what was hidden: ${e.message}`);
        }
        eq((await requests(co)).every((r) => r.authorization === `Bearer ${apiKey}`), true, "it was the client's key that came back");
      }
      const { capx, apiKey } = client();
      const e = await fails(first(capx.companies.activity(`echoct-${tag()}`)), "invalid_response", CapxError);
      noKey(e, apiKey);
      ok(e.message.includes("key=[redacted]"), e.message);
    }],
    ["an empty id resets lastEventId, and the next connection sends no Last-Event-ID", async () => {
      const t = tag();
      const { capx } = client();
      const stream = capx.companies.activity(`sseempty-${t}`);
      eq(await take(stream, 3), [[1, "1"], [2, ""], [3, ""]]);
      eq((await requests(t)).map((r) => r.lastEventId), [null, null]);
    }],
    ["an id beyond Latin-1 reconnects with its UTF-8 bytes as Last-Event-ID", async () => {
      const t = tag();
      const { capx } = client();
      const id = "café😀\uFFFD";
      eq(await take(capx.companies.activity(`sseutf8-${t}`), 2), [[1, id], [2, id]]);
      eq((await requests(t)).map((r) => r.lastEventId), [null, hex(id)]);
    }],
    ["the caller's lastEventId goes out as its UTF-8 bytes", async () => {
      for (const [id, bytes] of [["café", "636166c3a9"], ["😀", "f09f9880"], ["plain-7", hex("plain-7")]]) {
        const t = tag();
        const { capx } = client();
        eq(await take(capx.companies.activity(`sseopen-${t}`, { lastEventId: id }), 1), [[1, id]]);
        eq((await requests(t)).map((r) => r.lastEventId), [bytes], id);
      }
    }],
    ["the Content-Type is judged by its MIME essence: any letter case is a stream, a longer type is not", async () => {
      const { capx } = client();
      eq(await take(capx.companies.activity(`ssecase-${tag()}`), 1), [[1, ""]]);
      const e = await fails(first(capx.companies.activity(`sseprefix-${tag()}`)), "invalid_response", CapxError);
      eq(e.status, 200);
    }],
  ];
}
