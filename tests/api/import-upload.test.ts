import fs from "node:fs";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import type { Database } from "../../server/db/connect.js";
import { ROOT } from "../../server/config.js";
import { createTestApp } from "../helpers/db.js";
import { signedIn } from "../helpers/auth.js";

const FIX = path.join(ROOT, "tests/fixtures/inventory");
const names = ["粮食局二号院", "棉纺厂东区", "教育局家属院"];
let app: Express;
let db: Database;
beforeAll(async () => { ({ app, db } = await createTestApp()); });
afterAll(async () => {
  await db.knex("compounds").whereIn("name", names).del();
  await db?.close();
});

describe("POST /api/import (admin upload)", () => {
  it("refuses a broken file naming the row, writes nothing, then imports the fixed file", async () => {
    const admin = await signedIn(app, db.knex, "admin");
    const upload = (file: string, query = "") => admin.agent.post(`/api/import?filename=${file}${query}`)
      .set("X-CSRF-Token", admin.csrf).set("Content-Type", "application/octet-stream")
      .send(fs.readFileSync(path.join(FIX, file)));
    const before = await db.knex("compounds").count({ n: "*" });
    const broken = await upload("inventory-broken.csv");
    expect(broken.status).toBe(400);
    expect(broken.headers["content-type"]).toMatch(/problem\+json/);
    expect(broken.body.errors).toEqual([{ name: "row 3: households", reason: expect.any(String) }]);
    expect(await db.knex("compounds").count({ n: "*" })).toEqual(before);

    const dry = await upload("inventory-wgs84.csv", "&dry_run=true").expect(200);
    expect(dry.body.add.length).toBe(3);
    expect(await db.knex("compounds").count({ n: "*" })).toEqual(before);

    const ok = await upload("inventory-wgs84.csv").expect(200);
    expect(ok.body.add.map((a: any) => a.name)).toEqual(names);
    // It shows on the map: the public read API returns the new compounds.
    const listed = await request(app).get("/api/compounds?limit=5000").expect(200);
    expect(listed.body.features.filter((f: any) => names.includes(f.properties.name)).length).toBe(3);
    const audit = await admin.agent.get("/api/audit?action=import").expect(200);
    expect(audit.body.entries[0]).toMatchObject({ entity: "import", entityId: "inventory-wgs84.csv", userName: admin.user.name });
  });

  it("is for admins only, and names a missing file name or a bad crs", async () => {
    const planner = await signedIn(app, db.knex, "planner");
    await planner.agent.post("/api/import?filename=x.csv").set("X-CSRF-Token", planner.csrf).send("a,b").expect(403);
    const admin = await signedIn(app, db.knex, "admin");
    const noName = await admin.agent.post("/api/import").set("X-CSRF-Token", admin.csrf).set("Content-Type", "text/csv").send("a,b");
    expect(noName.body.errors[0].name).toBe("filename");
    const badCrs = await admin.agent.post("/api/import?filename=x.csv&crs=mercator").set("X-CSRF-Token", admin.csrf).set("Content-Type", "text/csv").send("a,b");
    expect(badCrs.status).toBe(400);
    expect(badCrs.body.errors[0].name).toBe("crs");
  });
});
