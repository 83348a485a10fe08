// Which Chromium the browser tests and the benchmark drive (playwright-core, never a downloaded
// browser), and how it is launched. No test-runner imports here, so `npm run bench` uses it too.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { chromium, type Browser } from "playwright-core";
import { ROOT } from "../../server/config.js";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";
const BUNDLED_LIBS_DIR = path.join(ROOT, ".tmp", "chromium-libs");

/** Our Chromium flags (DESIGN.md, Testing): WebGL2 through SwiftShader, no calls home. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
];

/** Whether the dynamic linker already knows libnss3 (missing on some fresh machines). */
function systemHasNss(): boolean {
  for (const ldconfig of ["ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"]) {
    const r = spawnSync(ldconfig, ["-p"], { encoding: "utf8" });
    if (r.status === 0 && typeof r.stdout === "string") return /\blibnss3\.so\b/.test(r.stdout);
  }
  return false;
}

/**
 * The NSS/NSPR/expat libraries that @sparticuz/chromium ships in bin/al2023.tar.br (and unpacks
 * only on AWS), unpacked once into .tmp/chromium-libs/. Returns the folder holding the .so files.
 */
function unpackBundledLibs(): string {
  const libDir = path.join(BUNDLED_LIBS_DIR, "lib");
  if (fs.existsSync(path.join(libDir, "libnss3.so"))) return libDir;
  const archive = path.join(ROOT, "node_modules", "@sparticuz", "chromium", "bin", "al2023.tar.br");
  const tarball = zlib.brotliDecompressSync(fs.readFileSync(archive));
  fs.mkdirSync(BUNDLED_LIBS_DIR, { recursive: true });
  const r = spawnSync("tar", ["-x", "-C", BUNDLED_LIBS_DIR], { input: tarball });
  if (r.status !== 0) throw new Error(`unpacking ${archive} failed: ${r.stderr?.toString() ?? r.error}`);
  if (!fs.existsSync(path.join(libDir, "libnss3.so"))) throw new Error(`${archive} did not hold lib/libnss3.so`);
  return libDir;
}

export interface BrowserChoice {
  executablePath: string;
  source: "system" | "sparticuz";
  env?: NodeJS.ProcessEnv;
}

/**
 * Which Chromium to run: /usr/bin/chromium when present, else the binary inside the
 * @sparticuz/chromium devDependency (with its bundled libraries when the system lacks libnss3).
 * RENEWAL_BROWSER=sparticuz forces the package binary; RENEWAL_BROWSER=sparticuz-libs also forces
 * the bundled libraries (both for trying the fallback on a machine that does not need it).
 */
export async function chooseBrowser(): Promise<BrowserChoice> {
  const force = process.env.RENEWAL_BROWSER ?? "";
  if (!force.startsWith("sparticuz") && fs.existsSync(SYSTEM_CHROMIUM)) {
    return { executablePath: SYSTEM_CHROMIUM, source: "system" };
  }
  const sparticuz = (await import("@sparticuz/chromium")).default;
  const executablePath = await sparticuz.executablePath();
  if (force !== "sparticuz-libs" && systemHasNss()) return { executablePath, source: "sparticuz" };
  const libDir = unpackBundledLibs();
  const ld = [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  return { executablePath, source: "sparticuz", env: { ...process.env, LD_LIBRARY_PATH: ld } };
}

/** A headless Chromium with our flags. */
export async function launchBrowser(): Promise<Browser> {
  const choice = await chooseBrowser();
  return chromium.launch({
    executablePath: choice.executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    ...(choice.env ? { env: choice.env as Record<string, string> } : {}),
  });
}
