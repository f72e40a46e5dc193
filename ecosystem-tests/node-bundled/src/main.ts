import { Capx } from "capx";
import { runFlow } from "./flow";

runFlow(new Capx()).then(
  (lines) => console.log(`node-bundled: ${process.argv[1]}: ${lines.length} steps passed`),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
