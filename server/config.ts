import path from "node:path";
import { fileURLToPath } from "node:url";

/** Project root (the folder holding package.json). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Whether the web map draws its base layers from tiles: past a district's size (`auto`), or always, or never. */
export const MAP_TILE_MODES = ["auto", "always", "never"] as const;
export type MapTiles = (typeof MAP_TILE_MODES)[number];

export interface Config {
  /** PostgreSQL connection string; unset → embedded PGlite + PostGIS. */
  databaseUrl?: string;
  /** Folder for the embedded database (default `.data/` under the project root). */
  dataDir: string;
  /** HTTP port (default 3000). */
  port: number;
  /** Folder holding the demo city, the standards profile and the unit-cost table. */
  geodataDir: string;
  /** Folder the web build is served from. */
  webDistDir: string;
  /**
   * Optional external basemap: a MapLibre style URL (e.g. a 天地图 style, CGCS2000 ≈ WGS84) drawn
   * beneath our layers. Unset by default, so the app makes no request outside its own origin.
   */
  basemapStyleUrl?: string;
  /**
   * Express's `trust proxy` (TRUST_PROXY): unset → the socket's address is the client's; behind
   * a reverse proxy give its hop count ("1") or addresses ("loopback", "10.0.0.0/8"), so that the
   * sign-in throttle and the logs see the real client in X-Forwarded-For.
   */
  trustProxy: boolean | number | string;
  /** Longest a request's SQL statement may run, ms (STATEMENT_TIMEOUT_MS, default 30 000). */
  statementTimeoutMs: number;
  /** Whether the map draws its base layers from tiles (MAP_TILES: auto, always, never; default auto). */
  mapTiles: MapTiles;
  /** Memory for cached public answers, bytes (RESPONSE_CACHE_MB, default 256; 0 turns the cache off). */
  cacheBytes: number;
}

/** Read configuration from environment variables (DATABASE_URL, DATA_DIR, PORT, TRUST_PROXY, …). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(ROOT, env.DATA_DIR || ".data"),
    port,
    geodataDir: path.join(ROOT, "geodata"),
    webDistDir: path.join(ROOT, "web", "dist"),
    basemapStyleUrl: env.BASEMAP_STYLE_URL || undefined,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    statementTimeoutMs: parseTimeout(env.STATEMENT_TIMEOUT_MS),
    cacheBytes: parseMegabytes(env.RESPONSE_CACHE_MB, 256),
    mapTiles: parseMapTiles(env.MAP_TILES),
  };
}

function parseMapTiles(raw: string | undefined): MapTiles {
  if (!raw) return "auto";
  if (!(MAP_TILE_MODES as readonly string[]).includes(raw)) throw new Error(`MAP_TILES must be one of ${MAP_TILE_MODES.join(", ")}, got "${raw}"`);
  return raw as MapTiles;
}

function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (!raw) return false;
  if (raw === "true" || raw === "false") return raw === "true";
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // addresses, subnets or names such as "loopback", comma-separated (Express's syntax)
}

function parseTimeout(raw: string | undefined): number {
  if (!raw) return 30_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`STATEMENT_TIMEOUT_MS must be a whole number of milliseconds, got "${raw}"`);
  return n;
}

function parseMegabytes(raw: string | undefined, fallback: number): number {
  if (!raw) return fallback * 1024 * 1024;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`RESPONSE_CACHE_MB must be a number of megabytes (0 turns the cache off), got "${raw}"`);
  return Math.round(n * 1024 * 1024);
}
