import { useState } from "react";
import type { PlanRow, PlanSolution, SavedPlan } from "../../../../server/schemas/plans";
import { sendJson, useApiTask } from "../../api/client";
import { useSession } from "../../api/session";
import { ErrorBox } from "../../components/States";
import { type MessageKey, useI18n } from "../../i18n";

// The plan builder (年度改造计划): a budget, a year and the candidates' filter; the optimiser's
// plan beside the greedy one, why each compound is in or out (must-include and exclude per row),
// the plan on the map, saved, exported as the plan table, adopted.

const SOURCES = ["central", "local", "residents", "social"] as const;
const CHOSEN = "#2b8a4b";
const LEFT_OUT = "#c9c1b1";

interface Form {
  planYear: number;
  budgetWan: number;
  builtBy: number;
  includePlanned: boolean;
  clustersWhole: boolean;
  mustInclude: number[];
  exclude: number[];
  /** Caps per funding source (万元); absent: none. */
  sourceCaps: Partial<Record<(typeof SOURCES)[number], number>>;
  /** The objective's weights; absent: the defaults of geodata/plans.json. */
  weights?: PlanSolution["weights"];
  /** Per subdistrict (id) the least and most compounds. */
  bounds: Record<number, { min?: number; max?: number }>;
}

/** The request body of a plan from the form. */
const planInputOf = (f: Form) => ({
  planYear: f.planYear,
  budgetWan: f.budgetWan,
  sourceBudgetsWan: f.sourceCaps,
  filter: { builtBy: f.builtBy, statuses: f.includePlanned ? ["unlisted", "planned"] : ["unlisted"] },
  mustInclude: f.mustInclude,
  exclude: f.exclude,
  clustersWhole: f.clustersWhole,
  subdistrictBounds: Object.entries(f.bounds)
    .filter(([, b]) => b.min !== undefined || b.max !== undefined)
    .map(([id, b]) => ({ subdistrictId: Number(id), ...b })),
  ...(f.weights ? { weights: f.weights } : {}),
});

export function PlanBuilder({ onColors, onZoomTo }: { onColors(c: Map<number, string> | undefined): void; onZoomTo?(id: number): void }) {
  const { t } = useI18n();
  const { canEdit } = useSession();
  const [form, setForm] = useState<Form>({
    planYear: new Date().getFullYear() + 1,
    budgetWan: 5000,
    builtBy: 2000,
    includePlanned: false,
    clustersWhole: true,
    mustInclude: [],
    exclude: [],
    sourceCaps: {},
    bounds: {},
  });
  const [solution, setSolution] = useState<PlanSolution | null>(null);
  const [saved, setSaved] = useState<SavedPlan | null>(null);
  const [name, setName] = useState("");
  const task = useApiTask();
  const input = planInputOf;
  const solve = (f: Form) =>
    task.run(async () => {
      const s = await sendJson<PlanSolution>("POST", "/api/plans/solve", input(f));
      setSolution(s);
      setSaved(null);
      onColors(new Map(s.rows.map((r) => [r.id, s.chosenIds.includes(r.id) ? CHOSEN : LEFT_OUT])));
    });
  const toggle = (key: "mustInclude" | "exclude", id: number) => {
    const other = key === "mustInclude" ? "exclude" : "mustInclude";
    const next = {
      ...form,
      [key]: form[key].includes(id) ? form[key].filter((x) => x !== id) : [...form[key], id],
      [other]: form[other].filter((x) => x !== id),
    };
    setForm(next);
    solve(next);
  };
  if (!canEdit) return null;
  return (
    <section className="clusters plan-builder" data-testid="plan-builder" aria-busy={task.busy}>
      <h3>{t("plan.title")}</h3>
      <p className="hint">{t("plan.intro")}</p>
      <PlanForm form={form} setForm={setForm} busy={task.busy} onSolve={() => solve(form)} />
      <PlanAdvanced form={form} setForm={setForm} solution={solution} />
      {task.error && <ErrorBox error={task.error} />}
      {solution && <PlanResultView solution={solution} form={form} onToggle={toggle} onZoomTo={onZoomTo} />}
      {solution && solution.status !== "infeasible" && (
        <div className="row plan-save">
          <input aria-label={t("plan.name")} placeholder={t("plan.name")} value={name} onChange={(e) => setName(e.target.value)} data-testid="plan-name" />
          <button
            type="button"
            data-testid="plan-save"
            disabled={task.busy || !name.trim()}
            onClick={() => task.run(async () => setSaved(await sendJson<SavedPlan>("POST", "/api/plans", { name, input: input(form) })))}
          >
            {t("plan.save")}
          </button>
        </div>
      )}
      {saved && (
        <SavedPlanActions
          plan={saved}
          busy={task.busy}
          onAdopt={() => task.run(async () => setSaved(await sendJson<SavedPlan>("POST", `/api/plans/${saved.id}/adopt`, { version: saved.version })))}
        />
      )}
    </section>
  );
}

function PlanForm({ form, setForm, busy, onSolve }: { form: Form; setForm(f: Form): void; busy: boolean; onSolve(): void }) {
  const { t } = useI18n();
  const num = (key: "planYear" | "budgetWan" | "builtBy", label: string) => (
    <label>
      {label}
      <input type="number" data-testid={`plan-${key}`} value={form[key]} onChange={(e) => setForm({ ...form, [key]: Number(e.target.value) })} />
    </label>
  );
  return (
    <div className="cluster-form">
      {num("budgetWan", t("plan.budget"))}
      {num("planYear", t("plan.year"))}
      {num("builtBy", t("plan.builtBy"))}
      <label className="toggle">
        <input type="checkbox" checked={form.includePlanned} onChange={(e) => setForm({ ...form, includePlanned: e.target.checked })} />
        {t("plan.includePlanned")}
      </label>
      <label className="toggle">
        <input type="checkbox" checked={form.clustersWhole} onChange={(e) => setForm({ ...form, clustersWhole: e.target.checked })} />
        {t("plan.clustersWhole")}
      </label>
      <button type="button" data-testid="plan-solve" disabled={busy} onClick={onSolve}>
        {busy ? t("plan.solving") : t("plan.solve")}
      </button>
    </div>
  );
}

function PlanResultView({
  solution: s,
  form,
  onToggle,
  onZoomTo,
}: {
  solution: PlanSolution;
  form: Form;
  onToggle(key: "mustInclude" | "exclude", id: number): void;
  onZoomTo?(id: number): void;
}) {
  const { t, num, money, pct } = useI18n();
  if (s.status === "infeasible")
    return (
      <p className="note error" data-testid="plan-status" data-status="infeasible">
        {t("plan.infeasible")}
      </p>
    );
  const tt = s.totals;
  const rows = [...s.rows].sort((a, b) => Number(b.choice.chosen) - Number(a.choice.chosen) || b.choice.valuePerWan - a.choice.valuePerWan);
  return (
    <div
      data-testid="plan-result"
      data-status={s.status}
      data-chosen={s.chosenIds.length}
      data-cost={tt.costYuan}
      data-objective={s.objective}
      data-greedy={s.greedy.objective}
    >
      <p className="note" data-testid="plan-totals">
        {t("plan.totals", {
          compounds: num(tt.compounds),
          households: num(tt.households),
          cost: money(tt.costYuan),
          gaps: num(tt.gapsClosed),
          elevators: num(tt.elevatorUnits),
        })}
      </p>
      <p className="note">{SOURCES.map((src) => `${t(`plan.source.${src}` as MessageKey)} ${money(tt.bySource[src])}`).join(" · ")}</p>
      <p className="note" data-testid="plan-vs-greedy">
        {t("plan.vsGreedy", { objective: num(s.objective), greedy: num(s.greedy.objective), gap: pct(s.gap), ms: num(s.solveMs) })}
      </p>
      <table className="plan-rows" data-testid="plan-rows">
        <tbody>
          {rows.map((r) => (
            <PlanRowView key={r.id} row={r} must={form.mustInclude.includes(r.id)} excluded={false} onToggle={onToggle} onZoomTo={onZoomTo} />
          ))}
          {s.excluded.map((e) => (
            <tr key={e.id} data-testid="plan-row" data-id={e.id} data-chosen="false" data-code={e.code}>
              <td>✕</td>
              <td>{e.name}</td>
              <td colSpan={2}>{t(`plan.reason.${e.code}` as MessageKey)}</td>
              <td>
                {form.exclude.includes(e.id) && (
                  <button type="button" className="link" onClick={() => onToggle("exclude", e.id)}>
                    {t("plan.unexclude")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlanRowView({
  row: r,
  must,
  onToggle,
  onZoomTo,
}: {
  row: PlanRow;
  must: boolean;
  excluded: boolean;
  onToggle(key: "mustInclude" | "exclude", id: number): void;
  onZoomTo?(id: number): void;
}) {
  const { t, money, num } = useI18n();
  const params = Object.fromEntries(
    Object.entries({ valuePerWan: r.choice.valuePerWan, ...r.choice.params }).map(([k, v]) => [
      k,
      k === "source" ? t(`plan.source.${v}` as MessageKey) : typeof v === "number" ? num(v, 2) : v,
    ]),
  );
  return (
    <tr data-testid="plan-row" data-id={r.id} data-chosen={String(r.choice.chosen)} data-code={r.choice.code}>
      <td>{r.choice.chosen ? "✓" : "·"}</td>
      <td>
        <button type="button" className="link" onClick={() => onZoomTo?.(r.id)}>
          {r.name}
        </button>
        <small>
          {" "}
          {num(r.households)}
          {t("plan.householdsUnit")} · {money(r.costYuan)}
        </small>
      </td>
      <td colSpan={2} className="reason">
        {t(`plan.reason.${r.choice.code}` as MessageKey, params as Record<string, string>)}
      </td>
      <td className="actions">
        <button type="button" className="link" aria-pressed={must} data-testid="plan-must" onClick={() => onToggle("mustInclude", r.id)}>
          {must ? t("plan.unmust") : t("plan.must")}
        </button>
        <button type="button" className="link danger" data-testid="plan-exclude" onClick={() => onToggle("exclude", r.id)}>
          {t("plan.exclude")}
        </button>
      </td>
    </tr>
  );
}

function SavedPlanActions({ plan, busy, onAdopt }: { plan: SavedPlan; busy: boolean; onAdopt(): void }) {
  const { t } = useI18n();
  return (
    <div className="row" data-testid="plan-saved" data-id={plan.id} data-status={plan.status}>
      <span>{t("plan.saved", { year: plan.planYear, revision: plan.revision })}</span> <a href={`/api/plans/${plan.id}/export.xlsx`}>XLSX</a> ·{" "}
      <a href={`/api/plans/${plan.id}/export.csv`}>CSV</a>{" "}
      {plan.status === "adopted" ? (
        <strong data-testid="plan-adopted">{t("plan.adopted")}</strong>
      ) : (
        <button type="button" data-testid="plan-adopt" disabled={busy} onClick={onAdopt}>
          {t("plan.adopt", { year: plan.planYear })}
        </button>
      )}
    </div>
  );
}

/** Funding-source caps, the objective's weights and per-subdistrict counts (subdistricts of the last plan's candidates). */
function PlanAdvanced({ form, setForm, solution }: { form: Form; setForm(f: Form): void; solution: PlanSolution | null }) {
  const { t } = useI18n();
  const value = (v: string) => (v.trim() === "" ? undefined : Number(v));
  const weights = form.weights ?? solution?.weights;
  const subdistricts = [
    ...new Map(
      (solution?.rows ?? []).flatMap((r) => (r.subdistrictId === null ? [] : [[r.subdistrictId, r.subdistrict ?? String(r.subdistrictId)] as const])),
    ).entries(),
  ];
  const bound = (id: number, key: "min" | "max", v: string) => setForm({ ...form, bounds: { ...form.bounds, [id]: { ...form.bounds[id], [key]: value(v) } } });
  return (
    <details className="plan-advanced" data-testid="plan-advanced">
      <summary>{t("plan.advanced")}</summary>
      <div className="cluster-form">
        {SOURCES.map((src) => (
          <label key={src}>
            {t("plan.sourceCap", { source: t(`plan.source.${src}` as MessageKey) })}
            <input
              type="number"
              min={0}
              data-testid={`plan-cap-${src}`}
              value={form.sourceCaps[src] ?? ""}
              onChange={(e) => setForm({ ...form, sourceCaps: { ...form.sourceCaps, [src]: value(e.target.value) } })}
            />
          </label>
        ))}
        {weights &&
          (["households", "elevators", "gaps"] as const).map((k) => (
            <label key={k}>
              {t(`plan.weight.${k}` as MessageKey)}
              <input
                type="number"
                min={0}
                step="any"
                data-testid={`plan-weight-${k}`}
                value={weights[k]}
                onChange={(e) => setForm({ ...form, weights: { ...weights, [k]: Number(e.target.value) } })}
              />
            </label>
          ))}
      </div>
      {subdistricts.length > 0 && (
        <table className="plan-bounds">
          <thead>
            <tr>
              <th>{t("plan.subdistrict")}</th>
              <th>{t("plan.min")}</th>
              <th>{t("plan.max")}</th>
            </tr>
          </thead>
          <tbody>
            {subdistricts.map(([id, name]) => (
              <tr key={id}>
                <td>{name}</td>
                <td>
                  <input
                    type="number"
                    min={0}
                    aria-label={`${name} ${t("plan.min")}`}
                    value={form.bounds[id]?.min ?? ""}
                    onChange={(e) => bound(id, "min", e.target.value)}
                  />
                </td>
                <td>
                  <input
                    type="number"
                    min={0}
                    aria-label={`${name} ${t("plan.max")}`}
                    value={form.bounds[id]?.max ?? ""}
                    onChange={(e) => bound(id, "max", e.target.value)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
