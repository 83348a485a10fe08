import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../server/import/table.js";
import { type Agent, send, signedIn } from "../helpers/auth.js";
import { auditRows, readCityFile, setUpTestApp } from "../helpers/db.js";
import { binary } from "../helpers/http.js";

// The annual plan (年度改造计划) on the demo city: the plan for 5,000 万元 against the rules and
// costs worked out here from SQL and the geodata files, the greedy baseline, a reason for every
// candidate, saving, the bureau's plan table, and adoption in one audited step. A scratch
// database: adopting lists compounds as planned.

const t = setUpTestApp({ scratch: true });
let planner: Agent;
let staff: Agent;

const plans = readCityFile<{
  estimate: Array<{ kind: string; per: string; quantity: number }>;
  fundingShares: Record<string, number>;
  facilityRooms: { minHouseholds: number; items: Array<{ kind: string; quantity: number }> };
}>("../plans.json");
const costs = readCityFile<{
  subsidies: { elevatorPerUnitYuan: number };
  items: Array<{ kind: string; unit: string; unitCostYuan: number; provides?: string }>;
}>("../costs.json");

const INPUT = { planYear: 2027, budgetWan: 5000, filter: { builtBy: 2000, statuses: ["unlisted"] } };

beforeAll(async () => {
  [planner, staff] = await Promise.all([signedIn(t.app, t.db.knex, "planner"), signedIn(t.app, t.db.knex, "staff")]);
});

/** A compound's standard package cost, from SQL and the files (no code of the plan service). */
async function expectedEstimate(id: number, facilityKinds: string[]) {
  const { rows } = await t.db.knex.raw(
    `SELECT c.households, c.building_count AS buildings, COALESCE(c.floor_area_m2, 0)::float8 AS area,
            (SELECT COALESCE(sum(units), 0)::int FROM buildings b WHERE b.compound_id = c.id) AS units,
            (SELECT COALESCE(sum(units), 0)::int FROM buildings b WHERE b.compound_id = c.id AND b.floors >= 4 AND NOT b.has_elevator) AS eunits
       FROM compounds c WHERE c.id = ?`,
    [id],
  );
  const r = rows[0];
  const basis: Record<string, number> = { household: r.households, building: r.buildings, unit: r.units, floorAreaM2: r.area, elevatorUnit: r.eunits };
  const counted = new Set(["elevator", "pile", "set", "site", "lamp", "space", "unit", "building", "household"]);
  let cost = 0;
  let elevators = 0;
  for (const e of plans.estimate) {
    const item = costs.items.find((i) => i.kind === e.kind)!;
    const raw = basis[e.per] * e.quantity;
    const q = counted.has(item.unit) ? Math.round(raw) : Math.round(raw * 100) / 100;
    cost += q * item.unitCostYuan;
    if (e.kind === "elevator") elevators = q;
  }
  for (const k of facilityKinds) cost += plans.facilityRooms.items.find((i) => i.kind === k)!.quantity * costs.items.find((i) => i.kind === k)!.unitCostYuan;
  return { cost, subsidy: elevators * costs.subsidies.elevatorPerUnitYuan };
}

describe("the annual plan", () => {
  let solution: any;
  it("chooses pre-2000 unlisted compounds for 5,000 万元, at least as well as the greedy baseline, with a reason for each", async () => {
    const res = await send(planner, "post", "/api/plans/solve", INPUT).expect(200);
    solution = res.body;
    expect(solution.status).toBe("optimal");
    expect(solution.gap).toBeLessThan(1e-6);
    const { rows: candidates } = await t.db.knex.raw("SELECT id FROM compounds WHERE status = 'unlisted' AND build_year <= 2000 ORDER BY id");
    expect(solution.rows.map((r: { id: number }) => r.id)).toEqual(candidates.map((c: { id: number }) => c.id));
    expect(solution.chosenIds.length).toBeGreaterThan(0);
    expect(solution.chosenIds.length).toBeLessThan(candidates.length);
    // Within the budget, and no worse than the greedy plan.
    expect(solution.totals.costYuan).toBeLessThanOrEqual(5000 * 10_000);
    expect(solution.objective).toBeGreaterThanOrEqual(solution.greedy.objective - 1e-6);
    expect(solution.bound).toBeGreaterThanOrEqual(solution.objective - 1e-6);
    // Costs from the standard package, worked out here; the split adds up.
    for (const row of solution.rows) {
      expect(row.costSource).toBe("estimate");
      const rooms = row.works.filter((w: { kind: string }) => plans.facilityRooms.items.some((i) => i.kind === w.kind)).map((w: { kind: string }) => w.kind);
      const want = await expectedEstimate(row.id, rooms);
      expect(row.costYuan).toBeCloseTo(want.cost, 0);
      expect(row.subsidyYuan).toBeCloseTo(want.subsidy, 0);
      expect(Object.values(row.bySource as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(row.costYuan, 1);
    }
    // Totals are the chosen rows' sums.
    const chosen = solution.rows.filter((r: { id: number }) => solution.chosenIds.includes(r.id));
    expect(solution.totals.households).toBe(chosen.reduce((s: number, r: { households: number }) => s + r.households, 0));
    // Every candidate has a reason that agrees with the plan; one left out for the budget costs more than is left.
    const left = 5000 * 10_000 - solution.totals.costYuan;
    for (const row of solution.rows) {
      expect(row.choice.chosen).toBe(solution.chosenIds.includes(row.id));
      if (row.choice.code === "over_budget") expect(row.costYuan).toBeGreaterThan(left);
    }
    expect(solution.rows.some((r: { choice: { code: string } }) => r.choice.code === "over_budget")).toBe(true);
  });

  it("takes must-include and excluded compounds, refuses bad ones with a 400 that names them, and says when no plan fits", async () => {
    const [first, second] = solution.rows.map((r: { id: number }) => r.id);
    const res = await send(planner, "post", "/api/plans/solve", { ...INPUT, mustInclude: [first], exclude: [second] }).expect(200);
    expect(res.body.chosenIds).toContain(first);
    expect(res.body.rows.find((r: { id: number }) => r.id === first).choice.code).toBe("must");
    expect(res.body.excluded).toEqual([expect.objectContaining({ id: second, code: "excluded" })]);
    const bad = await send(planner, "post", "/api/plans/solve", { ...INPUT, mustInclude: [999999] }).expect(400);
    expect(bad.body.errors[0]).toMatchObject({ name: "mustInclude[0]", code: "unknown_compound" });
    const { rows: started } = await t.db.knex.raw("SELECT id FROM compounds WHERE status = 'started' ORDER BY id LIMIT 1");
    const notCandidate = await send(planner, "post", "/api/plans/solve", { ...INPUT, mustInclude: [started[0].id] }).expect(400);
    expect(notCandidate.body.errors[0]).toMatchObject({ name: "mustInclude[0]", code: "not_candidate" });
    const tooSmall = await send(planner, "post", "/api/plans/solve", { ...INPUT, budgetWan: 1, mustInclude: [first] }).expect(200);
    expect(tooSmall.body.status).toBe("infeasible");
    const badBudget = await send(planner, "post", "/api/plans/solve", { ...INPUT, budgetWan: -5 }).expect(400);
    expect(badBudget.body.errors[0].name).toBe("budgetWan");
    await send(staff, "post", "/api/plans/solve", INPUT).expect(403);
  });

  it("is saved numbered within its year, exported as the bureau's plan table, and adopted in one audited step", async () => {
    const a = await send(planner, "post", "/api/plans", { name: "2027年度计划", input: INPUT }).expect(201);
    const b = await send(planner, "post", "/api/plans", { name: "2027年度计划（调整）", input: { ...INPUT, budgetWan: 3000 } }).expect(201);
    expect([a.body.revision, b.body.revision]).toEqual([1, 2]);
    expect(a.body.solution.chosenIds).toEqual(solution.chosenIds);
    const id = a.body.id;

    const csv = await staff.agent.get(`/api/plans/${id}/export.csv`).expect(200);
    const table = parseCsv(csv.text.replace(/^\uFEFF/, ""));
    expect(table.headers).toEqual(["序号", "小区名称", "地址", "所属街道", "建成年代", "户数", "楼栋数", "改造内容", "投资估算（万元）", "资金来源"]);
    expect(table.rows).toHaveLength(solution.chosenIds.length);
    const { rows: names } = await t.db.knex.raw("SELECT name, households FROM compounds WHERE id = ANY(?) ORDER BY id", [solution.chosenIds]);
    expect(table.rows.map((r) => r.cells[1])).toEqual(names.map((n: { name: string }) => n.name));
    expect(table.rows.map((r) => Number(r.cells[5]))).toEqual(names.map((n: { households: number }) => n.households));
    const xlsx = await staff.agent.get(`/api/plans/${id}/export.xlsx`).buffer(true).parse(binary).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    expect(book.getWorksheet("年度计划表")!.getRow(2).values).toContain("投资估算（万元）");

    const adopted = await send(planner, "post", `/api/plans/${id}/adopt`, { version: a.body.version }).expect(200);
    expect(adopted.body.status).toBe("adopted");
    const { rows: listed } = await t.db.knex.raw("SELECT id, status, plan_year FROM compounds WHERE id = ANY(?) ORDER BY id", [solution.chosenIds]);
    for (const c of listed) expect(c).toMatchObject({ status: "planned", plan_year: 2027 });
    const audit = await auditRows(t.db.knex, "compound", solution.chosenIds[0]);
    expect(audit.at(-1)).toMatchObject({ action: "update" });
    await send(planner, "post", `/api/plans/${id}/adopt`, { version: adopted.body.version }).expect(409);
    // The other plan's compounds are now planned: adopting it lists the rest only if still candidates.
    await send(planner, "delete", `/api/plans/${id}?version=${adopted.body.version}`).expect(409);
    await send(planner, "delete", `/api/plans/${b.body.id}?version=${b.body.version}`).expect(204);
  });
});
