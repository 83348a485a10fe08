import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./config.js";

const webDir = path.join(ROOT, "web");
const distIndex = path.join(webDir, "dist", "index.html");

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "dist" || entry === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/**
 * Build the web app into web/dist unless the build is newer than every source file (and the
 * lockfile), so a restart does not pay for a rebuild. Returns whether it built.
 */
export async function ensureWebBuild(log: (s: string) => void = console.log): Promise<boolean> {
  const built = fs.existsSync(distIndex) ? fs.statSync(distIndex).mtimeMs : 0;
  const sources = Math.max(newestMtime(webDir), fs.statSync(path.join(ROOT, "package-lock.json")).mtimeMs);
  if (built > sources) return false;
  log("Building the web app…");
  const { build } = await import("vite");
  await build({ configFile: path.join(webDir, "vite.config.ts"), logLevel: "warn" });
  return true;
}
