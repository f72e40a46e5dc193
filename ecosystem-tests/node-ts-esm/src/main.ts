import { Capx } from "capx";
import { runFlow } from "./flow.js";

// CAPX_API_KEY and CAPX_BASE_URL come from the environment.
const capx = new Capx();
for (const line of await runFlow(capx)) console.log(`node-ts-esm: ${line}`);
