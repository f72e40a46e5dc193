// Plain CommonJS, no TypeScript: require() of the package as it is.
const { Capx, CapxError } = require("capx");

const capx = new Capx();
capx.tasks.get("co_missing", "task_missing").then(
  () => process.exit(1),
  (e) => {
    if (!(e instanceof CapxError) || e.code !== "not_found") throw e;
    console.log("node-ts-cjs: require('capx') works and rejects with a CapxError");
  },
);
