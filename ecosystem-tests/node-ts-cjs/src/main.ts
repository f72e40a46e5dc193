// A CommonJS project: tsc turns this import into require("capx"), which Node 20.19+ and 22.12+
// load from the ES module package.
import { Capx } from "capx";
import { runFlow } from "./flow";

runFlow(new Capx()).then(
  (lines) => lines.forEach((line) => console.log(`node-ts-cjs: ${line}`)),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
