import ExcelJS from "exceljs";
import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../server/app.js";
import type { Database } from "../../server/db/connect.js";
import { loadReferenceData } from "../../server/db/reference.js";
import { createChallenges, FEEDBACK_RATE } from "../../server/services/feedback.js";
import { FEEDBACK_MAX_CHARS, FEEDBACK_POW_BITS, proofHolds, solveProof } from "../../shared/feedback.js";
import { type Agent, send, signedIn } from "../helpers/auth.js";
import { auditRows, GEODATA, openScratchCityDb } from "../helpers/db.js";

// Residents' feedback: the challenge, the rate limits, the size limits, moderation and what the
// public may see. Each test sends from an address of its own (X-Forwarded-For, the app trusting
// one proxy) so the rate limit of one does not reach another.

let db: Database;
let app: Express;
let staff: Agent;
let planner: Agent;
let compoundId: number;
let inside: [number, number];
let address = 0;
const nextAddress = () => `203.0.113.${++address}`;

beforeAll(async () => {
  db = await openScratchCityDb();
  app = createApp({ db, reference: loadReferenceData(GEODATA), trustProxy: 1 });
  [staff, planner] = await Promise.all([signedIn(app, db.knex, "staff"), signedIn(app, db.knex, "planner")]);
  const row = await db.knex.raw("SELECT id, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM compounds ORDER BY id LIMIT 1");
  compoundId = row.rows[0].id;
  inside = [Number(row.rows[0].x), Number(row.rows[0].y)];
}, 120_000);
afterAll(async () => {
  await db?.close();
});

/** A solved challenge from the app. */
async function solved() {
  const res = await request(app).get("/api/feedback/challenge").expect(200);
  expect(res.body.bits).toBe(FEEDBACK_POW_BITS);
  return { challenge: res.body.challenge as string, nonce: await solveProof(res.body.challenge, res.body.bits) };
}

const post = (from: string, body: object) => request(app).post("/api/feedback").set("X-Forwarded-For", from).send(body);

async function leave(message: string, extra: object = {}, from = nextAddress()) {
  const res = await post(from, { compoundId, topic: "parking", message, ...(await solved()), ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as number;
}

const version = async (id: number) => (await db.knex("feedback").where({ id }).first("version")).version as number;
const moderateAs = async (who: Agent, id: number, body: object) => send(who, "post", `/api/feedback/${id}/moderation`, { version: await version(id), ...body });
const countsOf = async (id: number) => (await request(app).get(`/api/feedback/counts?compound=${id}`).expect(200)).body.compounds[0];

describe("the offline challenge", () => {
  it("is a proof of work: a solved nonce holds, a changed one does not, and an old challenge has expired", async () => {
    const c = createChallenges();
    const { challenge } = c.issue();
    const nonce = await solveProof(challenge, FEEDBACK_POW_BITS);
    await expect(c.check(challenge, nonce)).resolves.toBeUndefined();
    // Checked here by hand: the digest's first 14 bits are zero.
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${challenge}:${nonce}`)));
    expect(digest[0]).toBe(0);
    expect(digest[1] >> 2).toBe(0);
    let wrong = Number(nonce) + 1;
    while (await proofHolds(challenge, String(wrong), FEEDBACK_POW_BITS)) wrong++;
    await expect(c.check(challenge, String(wrong))).rejects.toMatchObject({ errors: [{ name: "nonce", code: "proof_wrong" }] });
    const old = c.issue(Date.now() - 11 * 60_000).challenge;
    await expect(c.check(old, await solveProof(old, FEEDBACK_POW_BITS))).rejects.toMatchObject({ errors: [{ code: "challenge_expired" }] });
    // Another app's challenge (another key) is not ours.
    const theirs = createChallenges().issue().challenge;
    await expect(c.check(theirs, await solveProof(theirs, FEEDBACK_POW_BITS))).rejects.toMatchObject({ errors: [{ code: "challenge_invalid" }] });
  });

  it("answers one message only, and a wrong nonce writes nothing", async () => {
    const before = Number((await db.knex("feedback").count({ n: "*" }))[0].n);
    const s = await solved();
    const wrongNonce = await post(nextAddress(), {
      compoundId,
      topic: "lighting",
      message: "路灯不亮",
      challenge: s.challenge,
      nonce: String(Number(s.nonce) + 1),
    });
    if (!(await proofHolds(s.challenge, String(Number(s.nonce) + 1), FEEDBACK_POW_BITS))) {
      expect(wrongNonce.status).toBe(400);
      expect(wrongNonce.body.errors[0]).toMatchObject({ name: "nonce", code: "proof_wrong" });
    }
    expect((await post(nextAddress(), { compoundId, topic: "lighting", message: "路灯不亮", ...s })).status).toBe(201);
    const again = await post(nextAddress(), { compoundId, topic: "lighting", message: "路灯不亮", ...s });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatchObject({ name: "challenge", code: "challenge_used" });
    expect(Number((await db.knex("feedback").count({ n: "*" }))[0].n)).toBe(before + 1);
  });
});

describe("abuse controls", () => {
  it("limits an anonymous flood from one client, in parallel too, and says when to come back", async () => {
    const from = nextAddress();
    const bodies = await Promise.all(
      Array.from({ length: FEEDBACK_RATE.burst + 3 }, async (_, i) => ({ compoundId, topic: "safety", message: `消息 ${i}`, ...(await solved()) })),
    );
    const answers = await Promise.all(bodies.map((b) => post(from, b)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(FEEDBACK_RATE.burst);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    expect(refused[0].body.code).toBe("too_many_messages");
    expect(Number(refused[0].headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(refused[0].headers["retry-after"])).toBeLessThanOrEqual(FEEDBACK_RATE.burstWindowS);
    // Another client is not held back by that one.
    await leave("另一位居民");
  });

  it("refuses an over-long message, an oversized body and bad fields with a 400 that names them", async () => {
    const long = await post(nextAddress(), { compoundId, topic: "other", message: "长".repeat(FEEDBACK_MAX_CHARS + 1), ...(await solved()) });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].name).toBe("message");
    const huge = await post(nextAddress(), { compoundId, topic: "other", message: "x", pad: "y".repeat(20_000), ...(await solved()) });
    expect(huge.status).toBe(413);
    for (const [body, name] of [
      [{ compoundId, topic: "noise", message: "吵" }, "topic"],
      [{ topic: "other", message: "哪里" }, "compoundId"],
      [{ compoundId: 99_999_999, topic: "other", message: "无此小区" }, "compoundId"],
      [{ compoundId, topic: "other", message: "   " }, "message"],
    ] as const) {
      const res = await post(nextAddress(), { ...body, ...(await solved()) });
      expect(res.status, name).toBe(400);
      expect(res.body.errors.map((e: { name: string }) => e.name)).toContain(name);
    }
  });
});

describe("moderation and what the public sees", () => {
  it("keeps unmoderated text and every sender's details out of every public answer", async () => {
    const secret = `未审核-${Date.now()}`;
    const id = await leave(secret, { topic: "greening" });
    expect((await request(app).get("/api/feedback")).status).toBe(401);
    const pub = await Promise.all(
      ["/api/feedback/counts", `/api/compounds/${compoundId}`, `/ogc/collections/compounds/items/${compoundId}`, "/api/compounds?limit=5000"].map((u) =>
        request(app).get(u),
      ),
    );
    for (const r of pub) expect(r.text).not.toContain(secret);
    expect((await countsOf(compoundId))?.topics?.greening ?? 0).toBe(0);
    // Staff see the text, never the sender's key or address.
    const queue = await staff.agent.get("/api/feedback?status=pending&limit=1000").expect(200);
    const mine = queue.body.items.find((f: { id: number }) => f.id === id);
    expect(mine).toMatchObject({ message: secret, status: "pending", compoundId, topic: "greening" });
    expect(JSON.stringify(queue.body)).not.toMatch(/203\.0\.113|client/);
    // Published: counted for the public, the text still not shown.
    expect((await moderateAs(staff, id, { action: "publish" })).status).toBe(200);
    expect((await countsOf(compoundId)).topics.greening).toBe(1);
    expect((await request(app).get("/api/feedback/counts")).text).not.toContain(secret);
  });

  it("merges a duplicate into a published message (counted there), rejects, refuses stale versions, and audits each move", async () => {
    const first = await leave("电动车没处充电", { topic: "charging" });
    const dup = await leave("充电桩太少", { topic: "charging" });
    const spam = await leave("广告", { topic: "charging" });
    expect((await moderateAs(staff, dup, { action: "merge", into: first })).status).toBe(400); // not published yet
    expect((await moderateAs(staff, first, { action: "publish" })).status).toBe(200);
    expect((await moderateAs(staff, dup, { action: "merge", into: first })).status).toBe(200);
    expect((await moderateAs(staff, spam, { action: "reject" })).status).toBe(200);
    expect((await countsOf(compoundId)).topics.charging).toBe(2);
    const stale = await send(staff, "post", `/api/feedback/${first}/moderation`, { action: "reject", version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("version_conflict");
    const audit = await auditRows(db.knex, "feedback", dup);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(["update"]);
    // A planner sees the counts in the cluster sheet of a selection holding the compound.
    const sheet = await send(planner, "post", "/api/clusters/sheet", { memberIds: [compoundId] }).expect(200);
    expect(sheet.body.feedback.topics.charging).toBe(2);
    expect(sheet.body.feedback.total).toBe(Object.values((await countsOf(compoundId)).topics as Record<string, number>).reduce((a, b) => a + b, 0));
    expect((await request(app).post("/api/feedback/1/moderation").send({ action: "publish", version: 1 })).status).toBe(401);
  });

  it("places a message given as a point in the compound that holds it", async () => {
    const res = await post(nextAddress(), { lonLat: inside, topic: "elderly", message: "需要老年食堂", ...(await solved()) });
    expect(res.status).toBe(201);
    expect((await db.knex("feedback").where({ id: res.body.id }).first("compound_id")).compound_id).toBe(compoundId);
  });

  it("exports the messages for the bureau as CSV (formulas defused) and XLSX", async () => {
    const id = await leave('=HYPERLINK("http://x")', { topic: "other" });
    const csv = await staff.agent.get("/api/feedback/export.csv").expect(200);
    expect(csv.text.startsWith("\uFEFF编号,小区编号,小区名称,主题,内容")).toBe(true);
    expect(csv.text).toContain(`${id},${compoundId},`);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://x"")"`);
    const xlsx = await staff.agent
      .get("/api/feedback/export.xlsx")
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(xlsx.body as Buffer).buffer as ArrayBuffer);
    const sheet = book.getWorksheet("居民意见")!;
    const ids = sheet.getColumn(1).values.slice(2);
    expect(ids).toContain(id);
    expect(book.getWorksheet("按小区统计")!.getRow(1).values).toContain("停车");
    expect((await request(app).get("/api/feedback/export.csv")).status).toBe(401);
  });
});
