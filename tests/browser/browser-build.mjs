// A page's `import … from "capx"`: the key-free browser build (browser.js), no client.
import * as capx from "capx";
import { suiteRunner } from "./suites.mjs";

export const runSuite = suiteRunner(capx);
