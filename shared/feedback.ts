// Residents' feedback (问需于民, 意见征集): the topics a message may have, how long it may be, and
// the offline challenge a browser solves before it may send one (a proof of work: no third-party
// captcha, nothing to load). The server and the web app both use these; shared/ runs in both.

/** Message topics, in the order the form offers them (停车, 加装电梯, 充电, 绿化, 照明, 安全, 养老, 托育, 其他). */
export const FEEDBACK_TOPICS = ["parking", "elevator", "charging", "greening", "lighting", "safety", "elderly", "childcare", "other"] as const;
export type FeedbackTopic = (typeof FEEDBACK_TOPICS)[number];

/** The topics' names in the bureau's tables (the exports); the web app names them from its catalogues. */
export const FEEDBACK_TOPIC_ZH: Record<FeedbackTopic, string> = {
  parking: "停车",
  elevator: "加装电梯",
  charging: "充电",
  greening: "绿化",
  lighting: "照明",
  safety: "安全",
  elderly: "养老",
  childcare: "托育",
  other: "其他",
};

/** Moderation states: held until staff publish, reject or merge it into another message. */
export const FEEDBACK_STATUSES = ["pending", "published", "rejected", "merged"] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

/** The longest message, in characters. */
export const FEEDBACK_MAX_CHARS = 500;

/** Leading zero bits the challenge's SHA-256 must have: about 2^14 hashes, well under a second in a browser. */
export const FEEDBACK_POW_BITS = 14;

const encoder = new TextEncoder();

/** Whether SHA-256(`challenge:nonce`) starts with `bits` zero bits. */
export async function proofHolds(challenge: string, nonce: string, bits: number): Promise<boolean> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(`${challenge}:${nonce}`)));
  let left = bits;
  for (const byte of digest) {
    if (left <= 0) return true;
    if (left >= 8) {
      if (byte !== 0) return false;
      left -= 8;
    } else return byte >> (8 - left) === 0;
  }
  return left <= 0;
}

/** The first nonce (a decimal counter) that makes {@link proofHolds} true. */
export async function solveProof(challenge: string, bits: number): Promise<string> {
  for (let n = 0; ; n++) if (await proofHolds(challenge, String(n), bits)) return String(n);
}
