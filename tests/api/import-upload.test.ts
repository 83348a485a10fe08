import fs from "node:fs";
import path from "node:path";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/config.js";
import { setUpTestApp } from "../helpers/db.js";
import { signedIn } from "../helpers/auth.js";
import { expectProblem } from "../helpers/problem.js";

const FIX = path.join(ROOT, "tests/fixtures/inventory");
const names = ["粮食局二号院", "棉纺厂东区", "教育局家属院"];
const city = setUpTestApp();
afterAll(async () => {
  await city.db.knex("compounds").whereIn("name", names).del();
});

describe("POST /api/import (admin upload)", () => {
  it("refuses a broken file naming the row, writes nothing, then imports the fixed file", async () => {
    const admin = await signedIn(city.app, city.db.knex, "admin");
    const upload = (file: string, query = "") =>
      admin.agent
        .post(`/api/import?filename=${file}${query}`)
        .set("X-CSRF-Token", admin.csrf)
        .set("Content-Type", "application/octet-stream")
        .send(fs.readFileSync(path.join(FIX, file)));
    const before = await city.db.knex("compounds").count({ n: "*" });
    const broken = await upload("inventory-broken.csv");
    expect(broken.status).toBe(400);
    expect(broken.headers["content-type"]).toMatch(/problem\+json/);
    expect(broken.body.errors).toEqual([
      { name: "row 3: households", reason: expect.any(String), code: "not_whole_number", params: { value: expect.any(String), minimum: 0, maximum: 100000 } },
    ]);
    expect(await city.db.knex("compounds").count({ n: "*" })).toEqual(before);

    const dry = await upload("inventory-wgs84.csv", "&dry_run=true").expect(200);
    expect(dry.body.add.length).toBe(3);
    expect(await city.db.knex("compounds").count({ n: "*" })).toEqual(before);

    const ok = await upload("inventory-wgs84.csv").expect(200);
    expect(ok.body.add.map((a: any) => a.name)).toEqual(names);
    // It shows on the map: the public read API returns the new compounds.
    const listed = await request(city.app).get("/api/compounds?limit=5000").expect(200);
    expect(listed.body.features.filter((f: any) => names.includes(f.properties.name)).length).toBe(3);
    const audit = await admin.agent.get("/api/audit?action=import").expect(200);
    expect(audit.body.entries[0]).toMatchObject({ entity: "import", entityId: "inventory-wgs84.csv", userName: admin.user.name });
  });

  it("is for admins only, and names a missing file name or a bad crs", async () => {
    const planner = await signedIn(city.app, city.db.knex, "planner");
    await planner.agent.post("/api/import?filename=x.csv").set("X-CSRF-Token", planner.csrf).send("a,b").expect(403);
    const admin = await signedIn(city.app, city.db.knex, "admin");
    const noName = await admin.agent.post("/api/import").set("X-CSRF-Token", admin.csrf).set("Content-Type", "text/csv").send("a,b");
    expect(noName.body.errors[0].name).toBe("filename");
    const badCrs = await admin.agent
      .post("/api/import?filename=x.csv&crs=mercator")
      .set("X-CSRF-Token", admin.csrf)
      .set("Content-Type", "text/csv")
      .send("a,b");
    expect(badCrs.status).toBe(400);
    expect(badCrs.body.errors[0].name).toBe("crs");
  });
});

describe("bad files are 400s naming the file and where", () => {
  const OSM = path.join(ROOT, "tests/fixtures/osm");
  const upload = async (fileName: string, body: Buffer | string, query = "") => {
    const admin = await signedIn(city.app, city.db.knex, "admin");
    return admin.agent
      .post(`/api/import?filename=${encodeURIComponent(fileName)}${query}`)
      .set("X-CSRF-Token", admin.csrf)
      .set("Content-Type", "application/octet-stream")
      .send(Buffer.from(body));
  };
  const counts = async () => (await city.db.knex.raw("SELECT (SELECT count(*) FROM compounds)::int c, (SELECT count(*) FROM walk_edges)::int e")).rows[0];

  it("a corrupt .osm, a truncated .osm.pbf, a non-zip .xlsx and garbage answer 400 and write nothing", async () => {
    const before = await counts();
    const xml = fs.readFileSync(path.join(OSM, "small.osm"), "utf8");
    const corrupt = xml.replace('<way id="100"', '<way id="100" broken=oops');
    const cases: Array<[string, Buffer | string, RegExp, boolean]> = [
      ["corrupt.osm", corrupt, /not valid OSM XML: unquoted attribute broken/, true],
      ["cut.osm", xml.slice(0, 3000), /not valid OSM XML: unterminated/, true],
      ["truncated.osm.pbf", fs.readFileSync(path.join(OSM, "small.osm.pbf")).subarray(0, 300), /not a valid OSM PBF file/, true],
      ["table.xlsx", "名称,户数\n某小区,12\n", /not an Excel \.xlsx workbook/, false],
      ["damaged.xlsx", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), /damaged \.xlsx workbook/, false],
      ["empty.osm", "   ", /neither OSM XML nor OSM PBF/, false],
      ["nothing.osm", "<html><body>not osm</body></html>", /no <osm> element/, false],
      ["bad.osm.gz", Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]), /gzip file that cannot be unpacked/, false],
    ];
    for (const [name, body, reason, withOffset] of cases) {
      const res = await upload(name, body);
      expectProblem(res, 400);
      expect(res.body.file, name).toBe(name);
      expect(res.body.detail, name).toMatch(reason);
      expect(res.body.problems[0].reason, name).toMatch(reason);
      if (withOffset) {
        expect(res.body.problems[0].offset, name).toBeGreaterThanOrEqual(0);
        expect(res.body.errors[0].name, name).toMatch(/^byte \d+$/);
      } else expect(res.body.errors[0].name, name).toBe("file");
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a GCJ-02 or BD-09 crs for OpenStreetMap data, which is always WGS 84", async () => {
    const before = await counts();
    for (const crs of ["gcj02", "bd09"]) {
      const res = await upload("small.osm", fs.readFileSync(path.join(OSM, "small.osm")), `&crs=${crs}`);
      expectProblem(res, 400, "crs");
      expect(res.body.detail).toMatch(/always WGS 84/);
    }
    expect(await counts()).toEqual(before);
    await upload("small.osm", fs.readFileSync(path.join(OSM, "small.osm")), "&crs=wgs84&dry_run=true").then((r) => expect(r.status).toBe(200));
  });

  it("keeps answering public reads while a large upload is parsed", async () => {
    // 25 MB of OSM XML: the real fixture plus many untagged nodes no way uses (parsed, then dropped).
    const xml = fs.readFileSync(path.join(OSM, "small.osm"), "utf8");
    const filler = Array.from({ length: 400_000 }, (_, i) => `  <node id="${9_000_000 + i}" lat="40.0${i % 1000}" lon="116.3${i % 997}" version="1"/>\n`).join(
      "",
    );
    const big = xml.replace("</osm>", `${filler}</osm>`);
    expect(big.length).toBeGreaterThan(20_000_000);
    await request(city.app).get("/api/compounds?limit=5000").expect(200); // warm the public cache
    const t0 = Date.now();
    let importDone = 0;
    const importing = upload("big.osm", big, "&dry_run=true").then((r) => {
      importDone = Date.now();
      return r;
    });
    const reads: Array<{ ms: number; during: boolean }> = [];
    await new Promise((r) => setTimeout(r, 200));
    while (!importDone && Date.now() - t0 < 120_000) {
      for (const url of ["/api/health", "/api/compounds?limit=5000", "/api/stats/progress"]) {
        const s = Date.now();
        await request(city.app).get(url).expect(200);
        reads.push({ ms: Date.now() - s, during: !importDone });
      }
    }
    const res = await importing;
    expect(res.status).toBe(200);
    const during = reads.filter((r) => r.during);
    const importMs = importDone - t0;
    const slowest = Math.max(...during.map((r) => r.ms));
    console.log(`import of ${(big.length / 1e6).toFixed(0)} MB took ${importMs} ms; ${during.length} public reads during it, slowest ${slowest} ms`);
    expect(during.length).toBeGreaterThanOrEqual(6);
    // Parsed on the event loop, one read would have waited for most of the import.
    expect(slowest).toBeLessThan(importMs / 3);
  }, 180_000);
});
