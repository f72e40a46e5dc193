// What the glue for Workers, edge runtimes and pages links in place of node_http.js (see
// scripts/build.sh): none of them has node:http, so none loads the code that drives it.
export const nodeHttpAvailable = () => false;

export function nodeAttempt() {
  throw new Error("capx: this build has no node:http transport");
}
