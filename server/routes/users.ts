import { userCreate, userPatch } from "../schemas/bodies.js";
import { roles } from "../schemas/users.js";
import { changeUser, createUser, listUsers } from "../services/auth.js";
import { actorOf, type HandlerDeps, http, idParam, parse } from "./http.js";

// Accounts (admins only: the router puts the role check in front).

export function createUserHandlers({ knex }: HandlerDeps) {
  return {
    list: http(async (_req, res) => {
      res.json({ users: await listUsers(knex), roles });
    }),
    create: http(async (req, res) => {
      res.status(201).json(await createUser(knex, actorOf(req), parse(userCreate, req.body)));
    }),
    update: http(async (req, res) => {
      const { version, ...patch } = parse(userPatch, req.body);
      res.json(await changeUser(knex, actorOf(req), idParam(req), version, patch));
    }),
  };
}
