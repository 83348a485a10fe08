import type { FormEvent } from "react";
import { useCompoundStatuses, type CompoundDetail, type CostTable, type StatusRules } from "../../api/resources";
import { useI18n, type MessageKey } from "../../i18n";
import { Field } from "./Field";
import { itemsThatCanMove, moveAllItems, todayInput, useItemStatusRules } from "./itemStatus";
import type { CompoundEdit } from "./useCompoundEdit";

/** One form per status the compound may move to next, each asking for what that move needs (year, date, survey). */
export function StatusForm({ data, costs, edit }: { data: CompoundDetail; costs?: CostTable; edit: CompoundEdit }) {
  const { t } = useI18n();
  const p = data.properties;
  // Where the compound may go next: the server's rule (GET /api/compounds/statuses), not a copy.
  const next = useCompoundStatuses().data?.transitions[p.status as keyof StatusRules["transitions"]] ?? [];
  const done = p.status === "completed" || p.status === "accepted";
  if (next.length === 0 && !done) return null;
  return (
    <div className="status-actions">
      <h3>{t("edit.status")}</h3>
      {done && <CompleteItemsOffer data={data} edit={edit} />}
      {next.map((to) => (
        <MoveForm key={to} to={to} data={data} costs={costs} edit={edit} />
      ))}
    </div>
  );
}

/** A completed compound whose items are not all completed: offer to complete them, dated as the compound. */
function CompleteItemsOffer({ data, edit }: { data: CompoundDetail; edit: CompoundEdit }) {
  const { t } = useI18n();
  const rules = useItemStatusRules().data;
  const remaining = itemsThatCanMove(data, rules, "completed").length;
  if (remaining === 0) return null;
  const on = data.properties.completedOn ?? todayInput();
  return (
    <p className="note" data-testid="complete-items-offer">
      {t("item.edit.offer", { count: remaining })}{" "}
      <button type="button" disabled={edit.busy} data-testid="complete-items" onClick={() => void moveAllItems(edit, data, rules, "completed", on)}>
        {t("item.edit.offerButton", { count: remaining, date: on })}
      </button>
    </p>
  );
}

function MoveForm({ to, data, costs, edit }: { to: string; data: CompoundDetail; costs?: CostTable; edit: CompoundEdit }) {
  const { t, pct } = useI18n();
  const p = data.properties;
  const acc = costs?.acceptance;
  const today = new Date().toISOString().slice(0, 10);

  const move = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const opt = (k: string) => (f.get(k) ? Number(f.get(k)) : undefined);
    await edit.send("POST", `/api/compounds/${p.id}/status`, {
      to,
      on: f.get("on") || undefined,
      planYear: opt("planYear"),
      surveyedHouseholds: opt("surveyed"),
      satisfiedHouseholds: opt("satisfied"),
      version: edit.version,
    });
  };

  return (
    <form className="form inline" onSubmit={move} data-testid={`status-${to}`}>
      {to === "planned" && (
        <Field label="edit.planYear">
          <input name="planYear" type="number" min={2000} max={2100} defaultValue={p.planYear ?? new Date().getFullYear() + 1} />
        </Field>
      )}
      {to !== "planned" && to !== "unlisted" && (
        <Field label="edit.on">
          <input name="on" type="date" defaultValue={today} />
        </Field>
      )}
      {to === "accepted" && (
        <>
          <Field label="edit.surveyed">
            <input name="surveyed" type="number" min={0} max={p.households} required />
          </Field>
          <Field label="edit.satisfied">
            <input name="satisfied" type="number" min={0} required />
          </Field>
          {acc && <p className="note">{t("edit.acceptRule", { surveyed: pct(acc.minSurveyedShare), satisfied: pct(acc.minSatisfiedShare) })}</p>}
        </>
      )}
      <button type="submit" disabled={edit.busy}>
        {t("edit.moveTo", { status: t(`status.${to}` as MessageKey) })}
      </button>
    </form>
  );
}
