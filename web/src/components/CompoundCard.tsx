import type { ApiState } from "../api/client";
import type { EditedLayer } from "../api/edit-scope";
import type { CompoundDetail, CostTable } from "../api/resources";
import { useSession } from "../api/session";
import { useI18n, type MessageKey } from "../i18n";
import { STATUS_COLORS } from "../map/palette";
import { CompoundEditor, type PickedBuilding, type RequestPick } from "./CompoundEditor";
import { type CompoundCounts, CompoundFeedback } from "./Feedback";
import { ErrorBox, Loading } from "./States";

/**
 * What was done in one compound: its facts, tier, status timeline and renovation items; with the
 * editing tools for a signed-in planner or admin in the planner view.
 */
export function CompoundCard({
  detail,
  costs,
  onClose,
  editable,
  onChanged,
  requestPick,
  pickedBuilding,
  feedback,
  onFeedbackSent,
}: {
  detail: ApiState<CompoundDetail>;
  costs?: CostTable;
  onClose(): void;
  editable: boolean;
  onChanged(layers: readonly EditedLayer[]): void;
  requestPick: RequestPick;
  pickedBuilding?: PickedBuilding | null;
  /** Residents' published messages about this compound (counts per topic). */
  feedback?: CompoundCounts;
  onFeedbackSent(): void;
}) {
  const { t, num, pct, lang, money, unitPlural } = useI18n();
  const { canEdit } = useSession();
  const { data, error, isLoading, reload } = detail;
  const unitLabel = (unit: string, quantity: number) => {
    const item = costs?.items.find((i) => i.unit === unit);
    return lang === "zh-CN" ? (item?.unitZh ?? unit) : unitPlural(unit.replace(/^m2$/, "m²"), quantity);
  };
  return (
    <aside className="card" data-testid="compound-card" aria-live="polite">
      <button type="button" className="close" onClick={onClose} aria-label={t("card.close")}>
        ×
      </button>
      {isLoading && !data && <Loading />}
      {error && <ErrorBox error={error} onRetry={reload} />}
      {data &&
        (() => {
          const p = data.properties;
          const items = data.renovationItems;
          const total = items.filter((i) => i.properties.status !== "cancelled").reduce((s, i) => s + i.properties.costYuan, 0);
          const steps: Array<{ key: string; label: string; date: string | null; done: boolean }> =
            p.planYear === null
              ? []
              : [
                  { key: "planned", label: t("card.timeline.planned", { year: p.planYear }), date: null, done: true },
                  { key: "started", label: t("card.timeline.started"), date: p.startedOn, done: p.startedOn !== null },
                  { key: "completed", label: t("card.timeline.completed"), date: p.completedOn, done: p.completedOn !== null },
                  { key: "accepted", label: t("card.timeline.accepted"), date: p.acceptedOn, done: p.acceptedOn !== null },
                ];
          const elevatorBuildings = data.buildings.features.filter((b) => b.properties.hasElevator).length;
          return (
            <>
              <h2 data-testid="compound-name">{p.name}</h2>
              <p className="status-line">
                <span className="badge" style={{ background: STATUS_COLORS[p.status] }}>
                  {t(`status.${p.status}`)}
                </span>
                <span className="tier" data-testid="compound-tier">
                  {t("card.tierValue", { tier: p.tier ? t(`tier.${p.tier}` as MessageKey) : t("tier.none") })}
                </span>
              </p>
              <dl className="facts">
                {p.address && (
                  <>
                    <dt>{t("card.address")}</dt>
                    <dd>{p.address}</dd>
                  </>
                )}
                {p.buildYear && (
                  <>
                    <dt>{t("card.buildYear")}</dt>
                    <dd>{t("card.buildYearValue", { year: p.buildYear })}</dd>
                  </>
                )}
                <dt>{t("card.households")}</dt>
                <dd data-testid="compound-households" data-source={p.householdsSource}>
                  {num(p.households)} {t("progress.householdsUnit")}
                  {p.householdsSource !== "inventory" && p.householdsSource !== "manual" && (
                    <small className="source"> {t(`card.householdsSource.${p.householdsSource}` as MessageKey)}</small>
                  )}
                </dd>
                {p.access !== "gates" && (
                  <>
                    <dt>{t("card.access")}</dt>
                    <dd data-testid="compound-access">{t(`card.access.${p.access}` as MessageKey)}</dd>
                  </>
                )}
                <dt>{t("card.buildings")}</dt>
                <dd>{t("card.buildingsValue", { count: p.buildingCount })}</dd>
                {p.floorAreaM2 !== null && (
                  <>
                    <dt>{t("card.floorArea")}</dt>
                    <dd>{num(p.floorAreaM2)} ㎡</dd>
                  </>
                )}
                <dt>{t("card.management")}</dt>
                <dd>{t(`management.${p.management}`)}</dd>
              </dl>
              {elevatorBuildings > 0 && <p className="note">{t("card.elevators", { count: elevatorBuildings })}</p>}
              {steps.length > 0 && (
                <section>
                  <h3>{t("card.timeline")}</h3>
                  <ol className="timeline" data-testid="status-timeline">
                    {steps.map((s) => (
                      <li key={s.key} className={s.done ? "done" : "pending"}>
                        <span className="dot" />
                        <span>{s.label}</span>
                        <time>{s.key === "planned" ? "" : (s.date ?? t("card.timeline.pending"))}</time>
                      </li>
                    ))}
                  </ol>
                  {p.surveyedHouseholds !== null && p.satisfiedHouseholds !== null && p.surveyedHouseholds > 0 && (
                    <p className="note">
                      {t("card.satisfaction", { rate: pct(p.satisfiedHouseholds / p.surveyedHouseholds), surveyed: num(p.surveyedHouseholds) })}
                    </p>
                  )}
                </section>
              )}
              <section>
                <h3>{t("card.items")}</h3>
                {items.length === 0 ? (
                  <p className="note">{t("card.noItems")}</p>
                ) : (
                  <>
                    <ul className="items" data-testid="compound-items">
                      {items.map((i) => (
                        <li key={i.id} className={`tier-${i.properties.tier}`}>
                          <span className="item-name">{lang === "zh-CN" ? i.properties.nameZh : i.properties.nameEn}</span>
                          <span className="item-qty">
                            {num(i.properties.quantity, Number.isInteger(i.properties.quantity) ? 0 : 1)} {unitLabel(i.properties.unit, i.properties.quantity)}
                          </span>
                          <span className={`item-status ${i.properties.status}`}>{t(`item.status.${i.properties.status}`)}</span>
                        </li>
                      ))}
                    </ul>
                    <p className="total">{t("card.itemsTotal", { amount: money(total) })}</p>
                  </>
                )}
              </section>
              <CompoundFeedback compoundId={data.properties.id} counts={feedback} onSent={onFeedbackSent} />
              {editable && canEdit && (
                <CompoundEditor data={data} costs={costs} onChanged={onChanged} requestPick={requestPick} pickedBuilding={pickedBuilding} />
              )}
              {editable && !canEdit && <p className="note">{t("edit.signInToEdit")}</p>}
            </>
          );
        })()}
    </aside>
  );
}
