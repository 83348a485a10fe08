// npm start: build the web app when its sources changed since the last build, then start the server.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../config.js";

const webDir = path.join(ROOT, "web");
const distIndex = path.join(webDir, "dist", "index.html");

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "dist" || entry === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

const built = fs.existsSync(distIndex) ? fs.statSync(distIndex).mtimeMs : 0;
const sources = Math.max(newestMtime(webDir), newestMtime(path.join(ROOT, "package-lock.json")));
if (sources > built) {
  console.log("Building the web app…");
  const { build } = await import("vite");
  await build({ configFile: path.join(webDir, "vite.config.ts"), logLevel: "warn" });
}
await import("../index.js");
