import { Router } from "express";
import { roles } from "../schemas/users.js";
import { loadSession, requireCsrf, requireCsrfIfSignedIn, requireRole } from "../middleware/auth.js";
import { createClusterHandlers } from "./cluster-handlers.js";
import { createHandlers, type HandlerDeps } from "./handlers.js";
import { createScenarioHandlers } from "./scenario-handlers.js";
import { createWriteHandlers } from "./write-handlers.js";

/** Every API route, one line each. Reads are public; writes need a role and the CSRF header. */
export function apiRoutes(deps: HandlerDeps): Router {
  const h = createHandlers(deps);
  const w = createWriteHandlers(deps);
  const sc = createScenarioHandlers(deps);
  const cl = createClusterHandlers(deps);
  const edit = requireRole("admin", "planner");
  const admin = requireRole("admin");
  const signedIn = requireRole(...roles);
  const router = Router();
  router.use(loadSession(deps.knex));

  router.get("/health", h.health);
  router.get("/config", h.config);
  router.get("/session", w.session);
  router.post("/session", w.signIn);
  router.delete("/session", requireCsrfIfSignedIn, w.signOut);
  router.use(requireCsrf);

  router.get("/compounds", h.listCompounds);
  router.post("/compounds", edit, w.createCompound);
  router.get("/compounds/adjacency", h.compoundAdjacency);
  router.get("/compounds/statuses", h.compoundStatuses);
  router.get("/compounds/:id", h.readCompound);
  router.patch("/compounds/:id", edit, w.updateCompound);
  router.delete("/compounds/:id", edit, w.deleteCompound);
  router.post("/compounds/:id/status", edit, w.changeStatus);
  router.post("/compounds/:id/gates", edit, w.createGate);
  router.patch("/gates/:id", edit, w.updateGate);
  router.delete("/gates/:id", edit, w.deleteGate);
  router.post("/compounds/:id/buildings", edit, w.createBuilding);
  router.patch("/buildings/:id", edit, w.updateBuilding);
  router.delete("/buildings/:id", edit, w.deleteBuilding);
  router.post("/compounds/:id/items", edit, w.createItem);
  router.patch("/items/:id", edit, w.updateItem);
  router.delete("/items/:id", edit, w.deleteItem);

  router.get("/amenities", h.listAmenities);
  router.get("/buildings", h.layer("buildings"));
  router.get("/gates", h.layer("gates"));
  router.get("/streets", h.layer("streets"));
  router.get("/water", h.layer("water"));
  router.get("/subdistricts", h.layer("subdistricts"));
  router.get("/communities", h.layer("communities"));
  router.get("/items", h.layer("items"));
  router.get("/standards", h.standards);
  router.get("/costs", h.costs);
  router.get("/stats/progress", h.progress);
  router.get("/network/walk", h.walkNetwork);
  router.get("/network/walk/report", h.walkNetworkReport);
  router.get("/export/:file", h.export);

  // Saved what-if scenarios: internal work, so even reading needs a sign-in (any role).
  router.get("/scenarios", signedIn, sc.list);
  router.post("/scenarios", signedIn, sc.create);
  router.get("/scenarios/:id", signedIn, sc.read);
  router.patch("/scenarios/:id", signedIn, sc.update);
  router.delete("/scenarios/:id", signedIn, sc.remove);

  // 片区 clusters: published ones are public; saving needs a planner or admin; the sheet of an
  // unsaved selection (POST /clusters/sheet) computes without writing, for any signed-in user.
  router.get("/clusters", cl.list);
  router.get("/clusters/rules", cl.rules);
  router.post("/clusters", edit, cl.create);
  router.post("/clusters/sheet", signedIn, cl.draftSheet);
  router.get("/clusters/:id", cl.read);
  router.patch("/clusters/:id", edit, cl.update);
  router.delete("/clusters/:id", edit, cl.remove);
  router.get("/clusters/:id/sheet", cl.sheet);
  router.get("/clusters/:id/export.:format", cl.export);

  router.get("/users", admin, w.listUsers);
  router.post("/users", admin, w.createUser);
  router.patch("/users/:id", admin, w.updateUser);
  router.get("/audit", admin, w.audit);
  router.post("/import", admin, w.importUpload);
  return router;
}
