import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// scrypt at OWASP's recommended cost (Password Storage Cheat Sheet: N = 2^17, r = 8, p = 1,
// ≈ 128 MiB and ~0.7 s per hash on a 2-core machine): a slow, memory-hard KDF.
export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keyLength: 64 } as const;

/**
 * Limits on the parameters a stored hash may ask for: a hash written by an older version (N = 2^15)
 * still verifies, but a tampered row cannot make one sign-in allocate gigabytes or run for minutes.
 */
const BOUNDS = { minN: 2 ** 14, maxN: 2 ** 20, maxR: 16, maxP: 4, maxMemBytes: 1024 * 1024 * 1024, maxSaltBytes: 64 };

const memoryOf = (n: number, r: number, p: number) => 128 * n * r * p;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, SCRYPT.keyLength, { N: n, r, p, maxmem: memoryOf(n, r, p) + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Hash a password as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** The parts of a stored hash, or undefined when it is malformed or asks for out-of-bounds work. */
function parseHash(stored: string): Parsed | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [n, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,8}$/.test(x) ? Number(x) : NaN));
  const isPow2 = Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
  if (!isPow2 || n < BOUNDS.minN || n > BOUNDS.maxN) return undefined;
  if (!(r >= 1 && r <= BOUNDS.maxR && p >= 1 && p <= BOUNDS.maxP) || memoryOf(n, r, p) > BOUNDS.maxMemBytes) return undefined;
  const salt = Buffer.from(parts[4], "base64url");
  const hash = Buffer.from(parts[5], "base64url");
  if (salt.length < 8 || salt.length > BOUNDS.maxSaltBytes || hash.length !== SCRYPT.keyLength) return undefined;
  return { n, r, p, salt, hash };
}

/** Check a password against a stored hash in constant time; false for a malformed or unbounded hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  if (!h) return false;
  const key = await derive(password, h.salt, h.n, h.r, h.p);
  return timingSafeEqual(key, h.hash);
}

/** Whether a (verified) hash was made with weaker parameters than today's and should be redone. */
export function needsRehash(stored: string): boolean {
  const h = parseHash(stored);
  return !h || h.n < SCRYPT.N || h.r < SCRYPT.r;
}

/** Minimum rules for a new password; returns the reason it is refused, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return "must be at least 10 characters";
  if (password.length > 200) return "must be at most 200 characters";
  return undefined;
}
