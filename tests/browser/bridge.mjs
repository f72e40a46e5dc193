// Entry of the suites for the Chromium run: bundled by scripts/test.sh into
// suites.bundle.js (.js: the test server serves .mjs with the wrong MIME type), which the wasm-bindgen-test binary imports as a snippet.
import { run } from "../suites/harness.mjs";
import { coreCases } from "../suites/core.mjs";
import { clientCases } from "../suites/client.mjs";
import { streamCases } from "../suites/stream.mjs";
import { fails } from "../suites/harness.mjs";

export async function runSuites(lib, mockOrigin) {
  const pageCases = [
    ["browser guard: a real page refuses a secret key unless allowed", async () => {
      await fails(() => new lib.Capx({ apiKey: "capx_sk_test_page" }), "browser_key_exposure", lib.CapxError);
      new lib.Capx({ apiKey: "capx_sk_test_page", dangerouslyAllowBrowser: true });
    }],
  ];
  const withMock = mockOrigin ? [...clientCases(lib, { mockOrigin }), ...streamCases(lib, { mockOrigin })] : [];
  const cases = [...coreCases(lib, { HeadersClass: Headers }), ...pageCases, ...withMock];
  return run(cases, (line) => console.log(line));
}
