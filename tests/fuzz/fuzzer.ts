// A bounded fuzzer for the HTTP API: every route, signed in and not, with one thing wrong at a
// time (a path id, a query parameter, a body field, the raw body, a cookie). What must hold for
// every answer: never a 500, never a dropped connection, a 4xx is application/problem+json, and a
// 400 about one field names that field. Used by tests/api/fuzz.test.ts (a few thousand requests
// in `npm test`) and by `npm run fuzz` (10,000 and more, printing a summary).
import type { Express } from "express";
import type { Knex } from "knex";
import request from "supertest";
import { mulberry32 } from "../../geodata/generator/rng.js";
import { PROBLEM_CODES } from "../../server/schemas/problems.js";
import { PASSWORD, makeUser } from "../helpers/auth.js";
import { polygon } from "../helpers/geometry.js";

type Role = "anon" | "staff" | "planner" | "admin";
type Json = unknown;

interface Route {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  /** Valid query parameters (mutated one at a time). */
  query?: Record<string, string>;
  /** A valid body (mutated one field at a time). */
  body?: Json;
  /** Raw upload route: the body is a file. */
  upload?: boolean;
  /** Who may call it (mutations are sent as every role; this one gets most). */
  role: Role;
}

export interface FuzzFinding {
  method: string;
  url: string;
  status: number | "dropped";
  what: string;
  detail: string;
}

export interface FuzzSummary {
  requests: number;
  byStatus: Record<string, number>;
  server500: FuzzFinding[];
  dropped: FuzzFinding[];
  notProblemJson: FuzzFinding[];
  /** Problems without a `code` from server/schemas/problems.ts (the web app could not say them in its language). */
  noCode: FuzzFinding[];
  /** 400s about one field that do not name it. */
  wrongField: FuzzFinding[];
}

const BAD_IDS = ["0", "-1", "2147483648", "99999999999999999999", "abc", "%00", "1.5", "１", "1e3", "%E0%A4%A", "%ED%A0%80", "9".repeat(400), "null"];
const BAD_QUERY = [
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%E0%A4%A",
  "2147483648",
  "-2147483649",
  "99999999999999999999",
  "1e309",
  "NaN",
  "-1",
  "",
  ",",
  ",,",
  "1,,2",
  "x".repeat(3000),
  "%FF%FE",
  "[]",
  "{}",
  "true",
  "0x10",
  " 1 ",
  "１２",
  "1,2,3,4,5",
  "-180,-90,180,90",
  "181,0,182,1",
  "1,2,3",
  "3,4,1,2",
];
const BAD_VALUES: Json[] = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "",
  " ",
  "x".repeat(20_000),
  2147483648,
  -2147483649,
  1e308,
  -1,
  0,
  1.5,
  2 ** 53 /* the first unsafe integer; the literal 9007199254740993 parses to this */,
  true,
  false,
  null,
  [],
  {},
  [[]],
  [null],
  [1, 2, 3],
  { type: "Point" },
  "2025-02-30",
  "9999-99-99",
  -0,
  [[[[[[[]]]]]]],
];
const BAD_GEOMETRIES: Json[] = [
  polygon([114.64, 33.62, 5], [114.641, 33.62, 5], [114.641, 33.621, 5]),
  { type: "Polygon", coordinates: [[[1]]] },
  { type: "Polygon", coordinates: [[114.64, 33.62]] },
  { type: "Polygon", coordinates: "x" },
  {
    type: "Polygon",
    coordinates: [
      [
        ["a", "b"],
        ["c", "d"],
        ["e", "f"],
        ["a", "b"],
      ],
    ],
  },
  polygon([114.64, 33.62], [114.641, 33.621], [114.641, 33.62], [114.64, 33.621]),
  {
    type: "Polygon",
    coordinates: [
      [
        [114.64, 33.62],
        [114.641, 33.62],
        [114.64, 33.62],
      ],
    ],
  },
  {
    type: "Polygon",
    coordinates: [
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    ],
  },
  {
    type: "MultiPolygon",
    coordinates: [
      [
        [
          [114.64, 33.62],
          [114.641, 33.62],
          [114.641, 33.621],
        ],
      ],
    ],
  },
  { type: "Point", coordinates: [114.64, 33.62, 12] },
  { type: "Point", coordinates: [114.64] },
  { type: "Point", coordinates: [200, 100] },
  { type: "Point", coordinates: [[114.64, 33.62]] },
  { type: "LineString", coordinates: [[114.64, 33.62]] },
  { type: "GeometryCollection", geometries: [] },
  {
    type: "Polygon",
    coordinates: [Array.from({ length: 10_001 }, (_, i) => [114.6 + Math.cos(i) * 0.001, 33.6 + Math.sin(i) * 0.001]).concat([[114.601, 33.6]])],
  },
  polygon([100, 20], [120, 20], [120, 40]),
  { ...polygon([114.64, 33.62], [114.641, 33.62], [114.641, 33.621]), crs: { type: "name", properties: { name: "EPSG:3857" } } },
  "POLYGON((0 0,1 1,1 0,0 0))",
  null,
  12,
];
const BAD_RAW = [
  "{",
  "[]",
  "null",
  "12",
  '"x"',
  '{"name":"\\u0000"}',
  '{"\\u0000":1}',
  '{"name":"\\ud800"}',
  `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`,
  "a=1&b=2",
  "\u0000\u0001\u0002",
  '{"version":1e999}',
];
const BAD_COOKIES = ["renewal_session=%E0%A4%A", "renewal_session=%", `renewal_session=${"a".repeat(43)}`, "renewal_session=a;renewal_session=b", "x=%ZZ"];

/** The routes, with valid requests built from rows that exist in `knex`. */
async function routes(knex: Knex): Promise<Route[]> {
  // Reads and edits use the first rows; deletes the last ones (so that a delete that goes through
  // does not turn every later request on that row into a 404 about something else).
  const one = async (table: string) => Number((await knex(table).min({ id: "id" }).first())?.id ?? 1);
  const last = async (table: string) => Number((await knex(table).max({ id: "id" }).first())?.id ?? 1);
  const [compound, gate, building, item, amenity, user, cluster, scenario] = await Promise.all(
    ["compounds", "gates", "buildings", "renovation_items", "amenities", "users", "clusters", "scenarios"].map(one),
  );
  const [lastCompound, lastGate, lastBuilding, lastItem, lastCluster, lastScenario] = await Promise.all(
    ["compounds", "gates", "buildings", "renovation_items", "clusters", "scenarios"].map(last),
  );
  const subdistrict = String((await knex("subdistricts").orderBy("id").first("name"))?.name ?? "1");
  const square = {
    type: "Polygon",
    coordinates: [
      [
        [114.64, 33.62],
        [114.6405, 33.62],
        [114.6405, 33.6205],
        [114.64, 33.6205],
        [114.64, 33.62],
      ],
    ],
  };
  const point = { type: "Point", coordinates: [114.64, 33.62] };
  const bbox = "114.6,33.58,114.7,33.64";
  const layer = (p: string): Route => ({ method: "get", path: p, query: { bbox }, role: "anon" });
  return [
    { method: "get", path: "/api/health", role: "anon" },
    { method: "get", path: "/api/config", role: "anon" },
    { method: "get", path: "/api/session", role: "anon" },
    { method: "post", path: "/api/session", body: { name: "nobody-here", password: "wrong password" }, role: "anon" },
    { method: "delete", path: "/api/session", role: "staff" },
    {
      method: "get",
      path: "/api/compounds",
      query: { bbox, status: "planned,started", plan_year: "2020,2021", tier: "basic", subdistrict: "1", limit: "10" },
      role: "anon",
    },
    { method: "get", path: "/api/compounds", query: { cursor: "aWQ6MTA", subdistrict }, role: "anon" },
    { method: "get", path: "/api/compounds/adjacency", query: { distance_m: "50", street_m: "30" }, role: "anon" },
    { method: "get", path: `/api/compounds/${compound}`, role: "anon" },
    { method: "post", path: "/api/compounds", body: { name: "新小区", geometry: square, households: 10 }, role: "planner" },
    { method: "patch", path: `/api/compounds/${compound}`, body: { name: "改名", households: 12, geometry: square, version: 1 }, role: "planner" },
    { method: "delete", path: `/api/compounds/${lastCompound}`, query: { version: "1" }, role: "planner" },
    { method: "post", path: `/api/compounds/${compound}/status`, body: { to: "started", on: "2025-03-01", version: 1 }, role: "planner" },
    { method: "post", path: `/api/compounds/${compound}/gates`, body: { name: "北门", kind: "main", geometry: point }, role: "planner" },
    { method: "patch", path: `/api/gates/${gate}`, body: { name: "北门", geometry: point, version: 1 }, role: "planner" },
    { method: "delete", path: `/api/gates/${lastGate}`, query: { version: "1" }, role: "planner" },
    { method: "post", path: `/api/compounds/${compound}/buildings`, body: { floors: 6, units: 2, geometry: square }, role: "planner" },
    { method: "patch", path: `/api/buildings/${building}`, body: { floors: 7, version: 1 }, role: "planner" },
    { method: "delete", path: `/api/buildings/${lastBuilding}`, query: { version: "1" }, role: "planner" },
    { method: "post", path: `/api/compounds/${compound}/items`, body: { kind: "charging_pile", quantity: 3, geometry: point, notes: "n" }, role: "planner" },
    { method: "patch", path: `/api/items/${item}`, body: { quantity: 9, status: "completed", version: 1 }, role: "planner" },
    { method: "delete", path: `/api/items/${lastItem}`, query: { version: "1" }, role: "planner" },
    { method: "get", path: "/api/items/statuses", role: "anon" },
    { method: "post", path: `/api/items/${item}/status`, body: { to: "started", on: "2025-03-01", version: 1 }, role: "planner" },
    {
      method: "post",
      path: `/api/compounds/${compound}/items/status`,
      body: { to: "completed", on: "2025-06-01", items: [{ id: item, version: 1 }] },
      role: "planner",
    },
    { method: "get", path: "/api/amenities", query: { bbox, category: "kindergarten" }, role: "anon" },
    layer("/api/buildings"),
    layer("/api/gates"),
    layer("/api/streets"),
    layer("/api/water"),
    layer("/api/subdistricts"),
    layer("/api/communities"),
    layer("/api/items"),
    { method: "get", path: "/api/feedback/counts", query: { compound: `${compound},${compound + 1}` }, role: "anon" },
    { method: "get", path: "/api/feedback", query: { status: "pending", compound: String(compound), limit: "10", offset: "0" }, role: "staff" },
    { method: "get", path: "/api/feedback/export.csv", query: { status: "published" }, role: "staff" },
    { method: "post", path: "/api/feedback/1/moderation", body: { action: "merge", into: 2, version: 1 }, role: "staff" },
    {
      method: "post",
      path: "/api/plans/solve",
      body: { planYear: 2027, budgetWan: 3000, filter: { builtBy: 2000, statuses: ["unlisted"] }, mustInclude: [compound], exclude: [], clustersWhole: true },
      role: "planner",
    },
    { method: "get", path: "/api/plans/1", role: "staff" },
    { method: "get", path: "/api/plans/1/export.csv", role: "staff" },
    { method: "post", path: "/api/plans/1/adopt", body: { version: 1 }, role: "planner" },
    { method: "get", path: "/ogc", role: "anon" },
    { method: "get", path: "/ogc/collections", role: "anon" },
    { method: "get", path: "/ogc/collections/compounds/items", query: { bbox, limit: "10", offset: "5", status: "planned", planYear: "2020" }, role: "anon" },
    { method: "get", path: "/ogc/collections/buildings/items", query: { hasElevator: "true", compoundId: String(compound) }, role: "anon" },
    { method: "get", path: `/ogc/collections/compounds/items/${compound}`, role: "anon" },
    { method: "get", path: "/api/standards", role: "anon" },
    { method: "get", path: "/api/costs", role: "anon" },
    { method: "get", path: "/api/stats/progress", role: "anon" },
    { method: "get", path: "/api/network/walk", role: "anon" },
    { method: "get", path: "/api/network/walk/report", role: "anon" },
    { method: "get", path: "/api/export/compounds.csv", query: { status: "planned", tier: "basic", bbox }, role: "anon" },
    { method: "get", path: "/api/export/items.geojson", query: { plan_year: "2020" }, role: "anon" },
    { method: "get", path: "/api/scenarios", role: "staff" },
    { method: "get", path: `/api/scenarios/${scenario}`, role: "staff" },
    {
      method: "post",
      path: "/api/scenarios",
      role: "staff",
      body: {
        name: "方案",
        notes: "n",
        changes: {
          facilities: [
            { key: "a", action: "add", category: "kindergarten", lonLat: [114.64, 33.62] },
            { key: "b", action: "remove", amenityId: amenity },
          ],
          gates: [{ key: "g", action: "add", compoundId: compound, lonLat: [114.64, 33.62] }],
        },
      },
    },
    { method: "patch", path: `/api/scenarios/${scenario}`, body: { name: "改", version: 1 }, role: "staff" },
    { method: "delete", path: `/api/scenarios/${lastScenario}`, query: { version: "1" }, role: "staff" },
    { method: "get", path: "/api/clusters", query: { outline: "true" }, role: "anon" },
    { method: "get", path: `/api/clusters/${cluster}`, role: "anon" },
    { method: "get", path: `/api/clusters/${cluster}/sheet`, role: "anon" },
    { method: "get", path: `/api/clusters/${cluster}/export.csv`, role: "anon" },
    { method: "post", path: "/api/clusters", body: { name: "片区", planYear: 2026, status: "draft", memberIds: [compound, compound + 1] }, role: "planner" },
    { method: "post", path: "/api/clusters/sheet", body: { memberIds: [compound, compound + 1] }, role: "staff" },
    { method: "patch", path: `/api/clusters/${cluster}`, body: { name: "片区", memberIds: [compound], version: 1 }, role: "planner" },
    { method: "delete", path: `/api/clusters/${lastCluster}`, query: { version: "1" }, role: "planner" },
    { method: "get", path: "/api/users", role: "admin" },
    { method: "post", path: "/api/users", body: { name: "fuzzed-user", role: "staff", password: "long enough password" }, role: "admin" },
    { method: "patch", path: `/api/users/${user}`, body: { displayName: "名", version: 1 }, role: "admin" },
    {
      method: "get",
      path: "/api/audit",
      query: { entity: "compound", entity_id: "1", user: "x", action: "update", since: "2020-01-01", until: "2030-01-01", before_id: "100", limit: "10" },
      role: "admin",
    },
    { method: "post", path: "/api/import", query: { filename: "x.csv", crs: "wgs84", dry_run: "true" }, upload: true, role: "admin" },
  ];
}

/** Field paths of a JSON value, e.g. ["name"], ["geometry","coordinates",0,1]. */
function paths(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  if (prefix.length) out.push(prefix);
  if (Array.isArray(value)) {
    value.slice(0, 3).forEach((v, i) => {
      paths(v, [...prefix, i], out);
    });
  } else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(value: Json, path: Array<string | number>, v: Json | typeof REMOVE): Json {
  const copy = structuredClone(value) as any;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k];
  const last = path[path.length - 1];
  if (v === REMOVE) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = v;
  return copy;
}
const REMOVE = Symbol("remove");

/** `a.b[0].c` for ["a","b",0,"c"], as the API names fields. */
export function fieldName(path: Array<string | number>): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

/** Whether a 400's field names point at the field that was changed (or at a part of it, or it at them). */
function namesField(body: any, field: string): boolean {
  const names: string[] = (body?.errors ?? []).map((e: { name: string }) => e.name);
  return names.some((n) => n === field || n.startsWith(`${field}.`) || n.startsWith(`${field}[`) || field.startsWith(`${n}.`) || field.startsWith(`${n}[`));
}

/**
 * Send `count` requests, each with one thing wrong, spread over every route and role. The app
 * must be over a database this run may change (a scratch copy of the demo city).
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the fuzz loop: one seeded random stream picks route, mutation and session per request
export async function fuzz(app: Express, knex: Knex, opts: { count: number; seed?: number; onProgress?: (done: number) => void }): Promise<FuzzSummary> {
  const random = mulberry32(opts.seed ?? 20261201); // seeded, so a failing run can be replayed
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const all = await routes(knex);
  const agents: Record<Role, { agent: request.Agent; csrf?: string }> = { anon: { agent: request.agent(app) } } as any;
  for (const role of ["staff", "planner", "admin"] as const) {
    const user = await makeUser(knex, role);
    const agent = request.agent(app);
    const res = await agent.post("/api/session").send({ name: user.name, password: PASSWORD });
    if (res.status !== 200) throw new Error(`fuzz: could not sign in as ${role}: ${res.status}`);
    agents[role] = { agent, csrf: res.body.csrfToken };
  }
  const summary: FuzzSummary = { requests: 0, byStatus: {}, server500: [], dropped: [], notProblemJson: [], noCode: [], wrongField: [] };

  for (let n = 0; n < opts.count; n++) {
    const route = pick(all);
    const role: Role = random() < 0.7 ? route.role : pick(["anon", "staff", "planner", "admin"] as const);
    let path = route.path;
    let query: Record<string, string> = { ...(route.query ?? {}) };
    let body: Json = route.body;
    let raw: string | Buffer | undefined;
    let cookie: string | undefined;
    let contentType = "application/json";
    let field: string | undefined;
    let what: string;
    const kind = random();
    if (route.upload) {
      raw = pick([
        Buffer.from("名称,户数\n"),
        Buffer.from([0x50, 0x4b, 3, 4, 9, 9]),
        Buffer.from("<osm><node id='x'/>"),
        Buffer.alloc(0),
        Buffer.from("\u0000\u0000"),
      ]);
      contentType = "application/octet-stream";
      query = { ...query, filename: pick(["x.csv", "x.xlsx", "x.osm", "x.osm.pbf", "x.osm.gz", "../x.csv", "x.exe", "%00.csv"]) };
      if (random() < 0.5) query.crs = pick(["gcj02", "bd09", "mercator", "%00"]);
      what = `upload ${query.filename}`;
    } else if (kind < 0.15 && /\d/.test(path)) {
      const bad = pick(BAD_IDS);
      path = path.replace(/\/\d+(?=\/|$)/, `/${bad}`);
      what = `path id ${bad}`;
    } else if (kind < 0.45 && route.query && Object.keys(route.query).length) {
      const name = pick(Object.keys(route.query));
      const bad = pick(BAD_QUERY);
      query[name] = bad;
      field = name;
      what = `query ${name}=${bad.slice(0, 40)}`;
    } else if (kind < 0.5) {
      query[pick(["bogus", "%00", "limit%00", "bbox[]"])] = "1";
      what = "unknown query parameter";
    } else if (kind < 0.85 && body !== undefined) {
      const all = paths(body);
      const p = pick(all);
      const isGeometry = p[p.length - 1] === "geometry" || p.includes("coordinates");
      const v: Json | typeof REMOVE = random() < 0.1 ? REMOVE : isGeometry && random() < 0.6 ? pick(BAD_GEOMETRIES) : pick(BAD_VALUES);
      body = setAt(body, p, v);
      // Removing a field may leave a body that is wrong as a whole ("send at least one of …").
      field = v === REMOVE ? undefined : fieldName(p);
      what = `body ${field} = ${v === REMOVE ? "(removed)" : JSON.stringify(v)?.slice(0, 60)}`;
    } else if (kind < 0.92) {
      raw = pick(BAD_RAW);
      contentType = pick(["application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]);
      what = `raw body ${raw.slice(0, 30)} as ${contentType}`;
    } else {
      cookie = pick(BAD_COOKIES);
      what = `cookie ${cookie.slice(0, 40)}`;
    }
    const qs = Object.entries(query)
      .map(([k, v]) => `${k}=${/%[0-9A-F]{2}|^[\w.,:-]*$/i.test(v) ? v : encodeURIComponent(v)}`)
      .join("&");
    const url = qs ? `${path}?${qs}` : path;
    // A fresh client for odd cookies, and for signing out (which would end a shared session).
    const fresh = cookie || (route.method === "delete" && route.path === "/api/session");
    const { agent, csrf } = fresh ? { agent: request.agent(app), csrf: undefined } : agents[role];
    let req = (agent as any)[route.method](url) as request.Test;
    if (csrf && random() < 0.95) req = req.set("X-CSRF-Token", csrf);
    if (cookie) req = req.set("Cookie", cookie);
    if (raw !== undefined) req = req.set("Content-Type", contentType).send(raw);
    else if (body !== undefined && route.method !== "get") req = req.send(body as object);
    summary.requests++;
    let res: request.Response;
    try {
      res = await req;
    } catch (err) {
      summary.dropped.push({ method: route.method, url, status: "dropped", what, detail: String(err) });
      continue;
    }
    summary.byStatus[res.status] = (summary.byStatus[res.status] ?? 0) + 1;
    const finding = (detail: string): FuzzFinding => ({ method: route.method, url: url.slice(0, 200), status: res.status, what, detail });
    if (res.status >= 500) summary.server500.push(finding(String(res.body?.detail ?? res.text).slice(0, 300)));
    else if (res.status >= 400 && !/^application\/problem\+json/.test(String(res.headers["content-type"]))) {
      summary.notProblemJson.push(finding(String(res.headers["content-type"])));
    } else if (res.status >= 400 && !(PROBLEM_CODES as readonly string[]).includes(res.body?.code)) {
      summary.noCode.push(finding(`code ${JSON.stringify(res.body?.code)}: ${String(res.body?.detail).slice(0, 200)}`));
    } else if (res.status === 400 && field && res.body?.type === "/problems/validation" && !namesField(res.body, field)) {
      // Only a finding if the request without the change would have passed: the data may have
      // moved under a fixed example (a compound now in another cluster, say).
      const baseQs = Object.entries(route.query ?? {})
        .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
        .join("&");
      let base = (agents[route.role].agent as any)[route.method](baseQs ? `${route.path}?${baseQs}` : route.path) as request.Test;
      if (agents[route.role].csrf) base = base.set("X-CSRF-Token", agents[route.role].csrf!);
      if (route.body !== undefined && route.method !== "get") base = base.send(route.body as object);
      const baseRes = await base;
      if (baseRes.status !== 400) summary.wrongField.push(finding(JSON.stringify(res.body.errors).slice(0, 300)));
    }
    opts.onProgress?.(n + 1);
  }
  return summary;
}
