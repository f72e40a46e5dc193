import { Capx } from "capx";
import { runFlow } from "./flow.ts";

// CAPX_API_KEY and CAPX_BASE_URL come from the environment.
for (const line of await runFlow(new Capx())) console.log(`bun: ${line}`);
