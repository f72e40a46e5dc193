// `capx/client` is the whole client: the same types as the package's main entry.
export * from "./index.js";
