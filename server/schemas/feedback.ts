import { z } from "zod";
import { FEEDBACK_MAX_CHARS, FEEDBACK_TOPICS, type FeedbackStatus, type FeedbackTopic } from "../../shared/feedback.js";
import { lonLatPair, rowId, safeString, version } from "./primitives.js";

/** A resident's message: about a compound or a place (or both), a topic, the text, and the solved challenge. */
export const feedbackCreate = z
  .strictObject({
    compoundId: rowId("a compound").optional(),
    lonLat: lonLatPair.optional(),
    topic: z.enum(FEEDBACK_TOPICS),
    message: safeString()
      .transform((s) => s.trim())
      .pipe(z.string().min(1, "write a message").max(FEEDBACK_MAX_CHARS)),
    challenge: safeString().min(1).max(200),
    nonce: safeString().regex(/^\d{1,12}$/, "expected the decimal nonce that solves the challenge"),
  })
  .refine((b) => b.compoundId !== undefined || b.lonLat !== undefined, {
    message: "pick a compound (compoundId) or a place (lonLat)",
    path: ["compoundId"],
    params: { code: "required" },
  });

/** Staff's decision on a message: publish, reject, or merge it into a published one (`into`). */
export const feedbackModeration = z
  .strictObject({ action: z.enum(["publish", "reject", "merge"]), into: rowId("the published message to merge into").optional(), version })
  .refine((b) => (b.action === "merge") === (b.into !== undefined), {
    message: "`into` names the message to merge into, and is given only to merge",
    path: ["into"],
    params: { code: "required" },
  });

/** A message as staff see it (the queue, the export): never who sent it. */
export interface FeedbackMessage {
  id: number;
  compoundId: number | null;
  compoundName: string | null;
  lonLat: [number, number];
  topic: FeedbackTopic;
  message: string;
  status: FeedbackStatus;
  mergedInto: number | null;
  createdAt: string;
  moderatedAt: string | null;
  version: number;
}

/** GET /api/feedback/counts: published messages per compound (a point inside it), in all and per topic. */
export interface FeedbackCounts {
  topics: typeof FEEDBACK_TOPICS;
  compounds: Array<{ compoundId: number; lonLat: [number, number] | null; total: number; topics: Partial<Record<FeedbackTopic, number>> }>;
}
