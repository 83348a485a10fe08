import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Knex } from "knex";
import type { z } from "zod";
import { toCsv } from "../../shared/csv.js";
import { FEEDBACK_POW_BITS, FEEDBACK_TOPIC_ZH, FEEDBACK_TOPICS, type FeedbackStatus, proofHolds } from "../../shared/feedback.js";
import { type Actor, writeAudit } from "../db/audit.js";
import {
  compoundAt,
  type FeedbackFilter,
  findFeedback,
  insertFeedback,
  listFeedback,
  moderateFeedback,
  publishedCounts,
  recentFromClient,
} from "../db/feedback.js";
import { compoundPoints } from "../db/exports.js";
import { inTransaction } from "../db/transaction.js";
import { AppError, ConflictError, NotFoundError, ValidationError, VersionConflictError } from "../errors.js";
import type { FeedbackCounts, feedbackCreate, feedbackModeration } from "../schemas/feedback.js";

// Residents' feedback: an anonymous message passes the offline challenge and the per-client rate
// limits, and waits for moderation; the public sees only published counts per compound and topic.

/** How many messages one client (address) may send: in any 10 minutes, and in any day. */
export const FEEDBACK_RATE = { burst: 3, burstWindowS: 600, daily: 10, dailyWindowS: 86_400 } as const;

/** How long an issued challenge may be answered. */
export const CHALLENGE_TTL_S = 600;

export class TooManyMessagesError extends AppError {
  constructor(readonly retryAfterS: number) {
    super(
      429,
      "/problems/too-many-messages",
      "Too many messages",
      `Wait ${Math.ceil(retryAfterS)} s before sending another message.`,
      [],
      {},
      {
        code: "too_many_messages",
        params: { seconds: Math.ceil(retryAfterS) },
      },
    );
  }
}

/**
 * Challenges signed with a key of this app's (HMAC), so issuing one stores nothing: `issuedAt.random.mac`.
 * A message stores its challenge (unique), so each challenge answers one message.
 */
export function createChallenges(key = randomBytes(32)) {
  const mac = (body: string) => createHmac("sha256", key).update(body).digest("base64url");
  return {
    issue(now = Date.now()): { challenge: string; bits: number; expiresInS: number } {
      const body = `${now}.${randomBytes(12).toString("base64url")}`;
      return { challenge: `${body}.${mac(body)}`, bits: FEEDBACK_POW_BITS, expiresInS: CHALLENGE_TTL_S };
    },
    /** Throws a 400 naming `challenge` or `nonce` when the pair does not hold. */
    async check(challenge: string, nonce: string, now = Date.now()): Promise<void> {
      const m = /^(\d{13})\.([\w-]{16})\.([\w-]{43})$/.exec(challenge);
      const fail = (name: string, code: "challenge_invalid" | "challenge_expired" | "proof_wrong", reason: string) => {
        throw new ValidationError([{ name, reason, code }]);
      };
      if (!m) return fail("challenge", "challenge_invalid", "not a challenge this app issued; ask GET /api/feedback/challenge");
      const want = Buffer.from(mac(`${m[1]}.${m[2]}`));
      if (want.length !== m[3].length || !timingSafeEqual(want, Buffer.from(m[3])))
        return fail("challenge", "challenge_invalid", "not a challenge this app issued");
      if (now - Number(m[1]) > CHALLENGE_TTL_S * 1000) return fail("challenge", "challenge_expired", "the challenge has expired; ask for a new one");
      if (!(await proofHolds(challenge, nonce, FEEDBACK_POW_BITS))) fail("nonce", "proof_wrong", "the nonce does not solve the challenge");
    },
  };
}
export type Challenges = ReturnType<typeof createChallenges>;

/** The key messages from one address are counted under (a hash: the address itself is not kept). */
export const clientKey = (address: string) => createHash("sha256").update(`feedback-client|${address}`).digest("base64url");

async function checkRate(knex: Knex, key: string): Promise<void> {
  for (const [limit, windowS] of [
    [FEEDBACK_RATE.burst, FEEDBACK_RATE.burstWindowS],
    [FEEDBACK_RATE.daily, FEEDBACK_RATE.dailyWindowS],
  ] as const) {
    const { n, oldest } = await recentFromClient(knex, key, windowS);
    if (n >= limit) throw new TooManyMessagesError(Math.max(1, (oldest ? oldest.getTime() + windowS * 1000 - Date.now() : windowS * 1000) / 1000));
  }
}

/** Take a resident's message (held for moderation): 201 with its id, never shown until published. */
export async function submitFeedback(
  knex: Knex,
  challenges: Challenges,
  body: z.infer<typeof feedbackCreate>,
  address: string,
): Promise<{ id: number; status: FeedbackStatus }> {
  await challenges.check(body.challenge, body.nonce);
  const key = clientKey(address);
  return inTransaction(knex, async (trx) => {
    // One sender's messages are counted and written one at a time (a parallel flood is counted too).
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext(?))", [key]);
    await checkRate(trx, key);
    let lonLat = body.lonLat;
    let compoundId = body.compoundId ?? null;
    if (compoundId !== null) {
      const point = (await compoundPoints(trx, [compoundId])).get(compoundId);
      if (!point)
        throw new ValidationError([
          { name: "compoundId", reason: `compound ${compoundId} does not exist`, code: "unknown_compound", params: { id: compoundId } },
        ]);
      lonLat ??= point;
    } else compoundId = (await compoundAt(trx, lonLat!)) ?? null;
    const id = await insertFeedback(trx, { compoundId, lonLat: lonLat!, topic: body.topic, message: body.message, clientKey: key, challenge: body.challenge });
    if (!id)
      throw new ValidationError([{ name: "challenge", reason: "this challenge has answered a message already; ask for a new one", code: "challenge_used" }]);
    return { id, status: "pending" as const };
  });
}

/** Published counts per compound and topic (optionally only `compoundIds`). */
export async function feedbackCounts(knex: Knex, compoundIds?: number[]): Promise<FeedbackCounts> {
  const byCompound = new Map<number, FeedbackCounts["compounds"][number]>();
  for (const r of await publishedCounts(knex, compoundIds)) {
    const c = byCompound.get(r.compoundId) ?? { compoundId: r.compoundId, lonLat: null, total: 0, topics: {} };
    c.total += r.count;
    c.topics[r.topic] = r.count;
    byCompound.set(r.compoundId, c);
  }
  const points = await compoundPoints(knex, [...byCompound.keys()]);
  for (const c of byCompound.values()) c.lonLat = points.get(c.compoundId) ?? null;
  return { topics: FEEDBACK_TOPICS, compounds: [...byCompound.values()] };
}

/** The moderation queue and the bureau's list (signed in): messages with their text, never the sender. */
export const feedbackList = (knex: Knex, f: FeedbackFilter) => listFeedback(knex, f);

/** Publish, reject or merge a message (optimistic version check), audited. */
export async function moderate(knex: Knex, actor: Actor, id: number, body: z.infer<typeof feedbackModeration>) {
  return inTransaction(knex, async (trx) => {
    const before = await findFeedback(trx, id);
    if (!before) throw new NotFoundError(`Feedback ${id}`);
    if (before.version !== body.version) throw new VersionConflictError("feedback", id, before.version, body.version);
    if (body.action === "merge") {
      const target = body.into === id ? undefined : await findFeedback(trx, body.into!);
      if (target?.status !== "published")
        throw new ValidationError([{ name: "into", reason: "merge into another message that is published", code: "not_allowed" }]);
    }
    if (body.action !== "merge" && before.status === "merged") throw new ConflictError(`feedback ${id} is merged into ${before.mergedInto}`);
    const status: FeedbackStatus = body.action === "publish" ? "published" : body.action === "reject" ? "rejected" : "merged";
    const ok = await moderateFeedback(trx, id, body.version, { status, mergedInto: body.action === "merge" ? body.into! : null, by: actor.id });
    if (!ok) throw new VersionConflictError("feedback", id, before.version + 1, body.version);
    const after = await findFeedback(trx, id);
    await writeAudit(trx, { actor, action: "update", entity: "feedback", entityId: id, before, after });
    return after!;
  });
}

const STATUS_ZH: Record<FeedbackStatus, string> = { pending: "待审核", published: "已公开", rejected: "未采纳", merged: "已合并" };

/** The bureau's export: every message matching `filter` (text, topic, compound, status; never the sender) and the published counts per compound. */
export async function feedbackExport(
  knex: Knex,
  format: "csv" | "xlsx",
  status?: FeedbackStatus[],
): Promise<{ body: Buffer; contentType: string; fileName: string }> {
  const { items } = await listFeedback(knex, { status, limit: 100_000, offset: 0 });
  const headers = ["编号", "小区编号", "小区名称", "主题", "内容", "状态", "合并到", "提交时间", "经度", "纬度"];
  const rows = items.map((f) => [
    f.id,
    f.compoundId,
    f.compoundName,
    FEEDBACK_TOPIC_ZH[f.topic],
    f.message,
    STATUS_ZH[f.status],
    f.mergedInto,
    f.createdAt,
    f.lonLat[0],
    f.lonLat[1],
  ]);
  const day = new Date().toISOString().slice(0, 10);
  if (format === "csv") return { body: Buffer.from(toCsv(headers, rows)), contentType: "text/csv; charset=utf-8", fileName: `居民意见-${day}.csv` };
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  const messages = book.addWorksheet("居民意见");
  messages.addRow(headers);
  for (const r of rows) messages.addRow(r);
  const counts = await feedbackCounts(knex);
  const names = new Map(items.map((f) => [f.compoundId, f.compoundName]));
  const bySheet = book.addWorksheet("按小区统计");
  bySheet.addRow(["小区编号", "小区名称", "合计", ...FEEDBACK_TOPICS.map((t) => FEEDBACK_TOPIC_ZH[t])]);
  for (const c of counts.compounds) bySheet.addRow([c.compoundId, names.get(c.compoundId) ?? null, c.total, ...FEEDBACK_TOPICS.map((t) => c.topics[t] ?? 0)]);
  for (const sheet of [messages, bySheet]) sheet.getRow(1).font = { bold: true };
  const type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  return { body: Buffer.from(await book.xlsx.writeBuffer()), contentType: type, fileName: `居民意见-${day}.xlsx` };
}
