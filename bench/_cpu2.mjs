import { Capx } from "capx";
import { baseUrl, freshKey } from "./lib.mjs";
const capx = new Capx({ apiKey: freshKey("c2"), baseUrl });
const { data: company } = await capx.companies.create({ name: "C2" });
const one = () => capx.companies.get(company.id);
async function cpu(n) { const c0 = process.cpuUsage(); const t0 = performance.now(); let i = 0; const loop = async () => { while (i++ < n) await one(); }; await Promise.all(Array.from({ length: 16 }, loop)); const c = process.cpuUsage(c0); return [(c.user + c.system) / n, (performance.now() - t0) * 1000 / n]; }
await cpu(4000);
const [c, w] = await cpu(16000);
console.log(`cpu ${c.toFixed(1)} µs/req, wall ${w.toFixed(1)} µs/req`);
