import { type RequestHandler, Router } from "express";
import { loadSession, requireCsrf, requireCsrfIfSignedIn, requireRole } from "../middleware/auth.js";
import { roles } from "../schemas/users.js";
import { createAuditHandlers } from "./audit.js";
import { createClusterHandlers } from "./clusters.js";
import { createCompoundHandlers } from "./compounds.js";
import { createExportHandlers } from "./exports.js";
import { createFeedbackHandlers } from "./feedback.js";
import type { HandlerDeps } from "./http.js";
import { createImportHandlers } from "./imports.js";
import { createLayerHandlers } from "./layers.js";
import { createTileHandlers } from "./tiles.js";
import { createNetworkHandlers } from "./network.js";
import { createPlanHandlers } from "./plans.js";
import { createPartHandlers } from "./parts.js";
import { createReferenceHandlers } from "./reference.js";
import { createScenarioHandlers } from "./scenarios.js";
import { createSessionHandlers } from "./session.js";
import { createSystemHandlers } from "./system.js";
import { createUserHandlers } from "./users.js";

const guard = (...allowed: Parameters<typeof requireRole>): RequestHandler[] => [requireCsrf, requireRole(...allowed)];
const planner = guard("admin", "planner");
const admin = guard("admin");
const anyone = guard(...roles);
const signedInRead = [requireRole(...roles)];

/**
 * Every API route, one line each, by resource (the handlers live in one module per resource).
 * Each line states who may call it: reads without a guard are public; `planner`, `admin` and
 * `anyone` check the role and, for a write, the CSRF header (`requireCsrf` lets reads through);
 * `signedInRead` checks the role only. Residents' feedback: anyone sends a message (a solved
 * challenge, rate-limited per client) and reads the published counts; the queue, moderation and
 * the bureau's export need a sign-in. Sign-in is the one write without CSRF (there is no session
 * yet); sign-out needs it only when there is a session to end.
 */
export function apiRoutes(deps: HandlerDeps): Router {
  const system = createSystemHandlers(deps);
  const session = createSessionHandlers(deps);
  const compounds = createCompoundHandlers(deps);
  const parts = createPartHandlers(deps);
  const layers = createLayerHandlers(deps);
  const tiles = createTileHandlers(deps);
  const reference = createReferenceHandlers(deps);
  const network = createNetworkHandlers(deps);
  const exports = createExportHandlers(deps);
  const users = createUserHandlers(deps);
  const audit = createAuditHandlers(deps);
  const imports = createImportHandlers(deps);

  const router = Router();
  router.use(loadSession(deps.knex));

  router.get("/health", system.health);
  router.get("/config", system.config);
  router.get("/session", session.read);
  router.post("/session", session.signIn);
  router.delete("/session", requireCsrfIfSignedIn, session.signOut);

  router.get("/compounds", compounds.list);
  router.post("/compounds", planner, compounds.create);
  router.get("/compounds/adjacency", compounds.adjacency);
  router.get("/compounds/statuses", compounds.statuses);
  router.get("/compounds/:id", compounds.read);
  router.patch("/compounds/:id", planner, compounds.update);
  router.delete("/compounds/:id", planner, compounds.remove);
  router.post("/compounds/:id/status", planner, compounds.changeStatus);

  router.post("/compounds/:id/gates", planner, parts.gates.create);
  router.patch("/gates/:id", planner, parts.gates.update);
  router.delete("/gates/:id", planner, parts.gates.remove);
  router.post("/compounds/:id/buildings", planner, parts.buildings.create);
  router.patch("/buildings/:id", planner, parts.buildings.update);
  router.delete("/buildings/:id", planner, parts.buildings.remove);
  router.post("/compounds/:id/items", planner, parts.items.create);
  router.post("/compounds/:id/items/status", planner, parts.items.changeAllStatus);
  router.get("/items/statuses", parts.items.statuses);
  router.patch("/items/:id", planner, parts.items.update);
  router.delete("/items/:id", planner, parts.items.remove);
  router.post("/items/:id/status", planner, parts.items.changeStatus);

  router.get("/amenities", layers.amenities);
  for (const name of ["buildings", "gates", "streets", "water", "subdistricts", "communities", "items"] as const) router.get(`/${name}`, layers.layer(name));
  router.get("/tiles/:layer/:z/:x/:y.mvt", tiles.tile);
  router.get("/network/walk", network.walk);
  router.get("/network/walk/report", network.report);

  router.get("/standards", reference.standards);
  router.get("/costs", reference.costs);
  router.get("/stats/progress", reference.progress);
  router.get("/export/:file", exports.file);

  router.get("/users", admin, users.list);
  router.post("/users", admin, users.create);
  router.patch("/users/:id", admin, users.update);
  router.get("/audit", admin, audit.list);
  router.post("/import", admin, imports.upload);
  planningRoutes(router, deps);
  return router;
}

/** What-if scenarios, 片区 clusters, residents' feedback and annual plans: the planning work. */
function planningRoutes(router: Router, deps: HandlerDeps): void {
  const scenarios = createScenarioHandlers(deps);
  const clusters = createClusterHandlers(deps);
  const feedback = createFeedbackHandlers(deps);
  const plans = createPlanHandlers(deps);

  // Saved what-if scenarios: internal work, so even reading needs a sign-in (any role).
  router.get("/scenarios", signedInRead, scenarios.list);
  router.post("/scenarios", anyone, scenarios.create);
  router.get("/scenarios/:id", signedInRead, scenarios.read);
  router.patch("/scenarios/:id", anyone, scenarios.update);
  router.delete("/scenarios/:id", anyone, scenarios.remove);

  // 片区 clusters: published ones are public; saving needs a planner or admin; the sheet of an
  // unsaved selection (POST /clusters/sheet) computes without writing, for any signed-in user.
  router.get("/clusters", clusters.list);
  router.get("/clusters/rules", clusters.rules);
  router.post("/clusters", planner, clusters.create);
  router.post("/clusters/sheet", anyone, clusters.draftSheet);
  router.get("/clusters/:id", clusters.read);
  router.patch("/clusters/:id", planner, clusters.update);
  router.delete("/clusters/:id", planner, clusters.remove);
  router.get("/clusters/:id/sheet", clusters.sheet);
  router.get("/clusters/:id/export.:format", clusters.export);

  router.get("/feedback/challenge", feedback.challenge);
  router.post("/feedback", requireCsrfIfSignedIn, feedback.submit);
  router.get("/feedback/counts", feedback.counts);
  router.get("/feedback", signedInRead, feedback.list);
  router.get("/feedback/export.:format", signedInRead, feedback.export);
  router.post("/feedback/:id/moderation", anyone, feedback.moderate);

  // Annual plans (年度改造计划): internal work; planners solve, save, adopt and delete.
  router.post("/plans/solve", planner, plans.solve);
  router.get("/plans", signedInRead, plans.list);
  router.post("/plans", planner, plans.create);
  router.get("/plans/:id", signedInRead, plans.read);
  router.get("/plans/:id/export.:format", signedInRead, plans.export);
  router.post("/plans/:id/adopt", planner, plans.adopt);
  router.delete("/plans/:id", planner, plans.remove);
}
