// A page's `import … from "capx/client"`: the whole client (client.js), its wasm fetched
// next to the module.
import * as capx from "capx/client";
import { suiteRunner } from "./suites.mjs";

export const runSuite = suiteRunner(capx);
