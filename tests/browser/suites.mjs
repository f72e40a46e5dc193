// The page side of the Chromium run (chromium.test.mjs): the shared suites on what a page
// imported from the package, one suite per call, plus the cases only a real page can run.
import { run, eq, fails } from "../suites/harness.mjs";
import { coreCases } from "../suites/core.mjs";
import { clientCases } from "../suites/client.mjs";
import { streamCases } from "../suites/stream.mjs";
import { surfaceCases } from "../suites/surface.mjs";

function pageCases(lib) {
  // The browser build has no client to guard.
  const guard = lib.Capx ? [
    ["browser guard: a real page refuses a secret key unless allowed", async () => {
      await fails(() => new lib.Capx({ apiKey: "capx_sk_test_page" }), "browser_key_exposure", lib.CapxError);
      new lib.Capx({ apiKey: "capx_sk_test_page", dangerouslyAllowBrowser: true });
    }],
  ] : [];
  return [
    ...guard,
    ["openActivityFeed: each event's data must be one JSON object; the others are reported, not delivered", async () => {
      // A blob: URL stands in for the edge proxy: an EventSource cannot send the key, so the
      // data has to come from a same-origin server, and only a test can make it malformed.
      const stream = ["[1,2]", '{"type":"task.created"}', "null", '"text"', "not json", '{"type":"task.completed"}']
        .map((data, i) => `id: ${i + 1}\ndata: ${data}\n\n`).join("");
      const url = URL.createObjectURL(new Blob([stream], { type: "text/event-stream" }));
      const events = [];
      const errors = [];
      const feed = lib.openActivityFeed(url, {
        onEvent: (event, id) => events.push([event.type, id]),
        onError: (err) => errors.push(err.code),
      });
      const deadline = Date.now() + 5000;
      while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      feed.close();
      eq(events.slice(0, 2), [["task.created", "2"], ["task.completed", "6"]]);
      eq(errors.slice(0, 4), ["invalid_response", "invalid_response", "invalid_response", "invalid_response"]);
      eq(feed.readyState, 2);
    }],
  ];
}

/** `runSuite(name, mockOrigin)` for a page's `lib`: the suite's results, plain data. */
export function suiteRunner(lib) {
  const suites = {
    core: () => coreCases(lib, { HeadersClass: Headers }),
    page: () => pageCases(lib),
    client: (mockOrigin) => clientCases(lib, { mockOrigin }),
    stream: (mockOrigin) => streamCases(lib, { mockOrigin }),
    surface: (mockOrigin) => surfaceCases(lib, { mockOrigin }),
  };
  return (name, mockOrigin) => run(suites[name](mockOrigin));
}
