// One HTTP attempt over fetch, under its deadline: Workers, Vercel Edge, Deno, Bun, browsers,
// and Node with a `fetch` given.

import { Failure } from "./errors.js";
import { deadline } from "./timers.js";
import { Reply } from "./call.js";

// Resolves to a Reply; for a stream (`stream` true) the body is left unread and linked to the
// caller's signal until `reply.unlink()`. Rejects with a Failure.
export async function fetchAttempt(fetchFn, url, headers, call, timeoutMs, stream) {
  // Capx does not redirect: a 3xx comes back as it is, and the key, the body and the
  // Idempotency-Key go nowhere but baseUrl.
  const init = { method: call.method, headers, redirect: "manual" };
  if (call.body !== undefined) init.body = call.body;
  if (call.signal?.aborted) throw Failure.unsent();
  const limit = deadline(timeoutMs, call.signal, stream);
  init.signal = limit.signal;
  // A stream keeps the link to the caller's signal so that aborting still cancels its body.
  let keepLink = false;
  try {
    const response = await (fetchFn ?? globalThis.fetch)(url, init);
    if (!(response instanceof Response)) throw new Failure("invalid_response", "fetch resolved to something that is not a Response");
    if (stream) {
      keepLink = true;
      return new Reply(response.status, response.headers, null, response, limit.unlink);
    }
    return new Reply(response.status, response.headers, await response.text(), null, undefined);
  } catch (e) {
    if (e instanceof Failure) throw e;
    const why = limit.why();
    if (why === "timeout") throw Failure.timeout(timeoutMs);
    if (why === "aborted") throw Failure.aborted();
    const cause = e?.cause?.message ?? e?.cause?.code;
    throw Failure.connection(`${e?.message ?? e}${cause ? ` (${cause})` : ""}`, e);
  } finally {
    limit.release(keepLink);
  }
}
