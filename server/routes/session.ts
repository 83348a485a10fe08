import { CSRF_HEADER, SESSION_COOKIE } from "../middleware/auth.js";
import { signInBody } from "../schemas/bodies.js";
import { SESSION_TTL_HOURS, TooManyAttemptsError, signIn, signOut } from "../services/auth.js";
import { type HandlerDeps, http, parse } from "./http.js";

// The session: who is signed in (and the CSRF token for writes), sign in, sign out.

export function createSessionHandlers({ knex }: HandlerDeps) {
  return {
    read: http(async (req, res) => {
      res.json({ user: req.user ?? null, csrfToken: req.csrfToken ?? null, csrfHeader: CSRF_HEADER });
    }),
    signIn: http(async (req, res) => {
      const { name, password } = parse(signInBody, req.body);
      try {
        const s = await signIn(knex, name, password, req.ip ?? "unknown");
        res.cookie(SESSION_COOKIE, s.token, {
          httpOnly: true,
          sameSite: "lax",
          secure: req.secure,
          path: "/",
          maxAge: SESSION_TTL_HOURS * 3600_000,
        });
        res.json({ user: s.user, csrfToken: s.csrfToken, csrfHeader: CSRF_HEADER });
      } catch (err) {
        if (err instanceof TooManyAttemptsError) res.set("Retry-After", String(Math.ceil(err.retryAfterS)));
        throw err;
      }
    }),
    signOut: http(async (req, res) => {
      if (req.sessionToken) await signOut(knex, req.sessionToken);
      res.clearCookie(SESSION_COOKIE, { path: "/" });
      res.status(204).end();
    }),
  };
}
