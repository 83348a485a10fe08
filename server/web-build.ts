import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./config.js";

const webDir = path.join(ROOT, "web");
const distIndex = path.join(webDir, "dist", "index.html");

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  // Files only: swapping web/dist in touches the folder's own mtime.
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry.startsWith("dist") || entry === "node_modules") continue;
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
  // Build beside web/dist and swap it in, so a server (or a second build) never sees half a build.
  const tmp = path.join(webDir, `dist-${process.pid}-${Date.now()}`);
  try {
    await build({ configFile: path.join(webDir, "vite.config.ts"), logLevel: "warn", build: { outDir: tmp, emptyOutDir: true } });
    const old = `${path.join(webDir, "dist")}-old-${process.pid}`;
    if (fs.existsSync(path.join(webDir, "dist"))) fs.renameSync(path.join(webDir, "dist"), old);
    fs.renameSync(tmp, path.join(webDir, "dist"));
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}
