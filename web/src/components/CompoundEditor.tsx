import { useState, type FormEvent, type ReactNode } from "react";
import { ApiError, sendJson } from "../api/client";
import { useCompoundStatuses, type CompoundDetail, type CostTable, type StatusRules } from "../api/resources";
import { useI18n, type MessageKey } from "../i18n";

export type RequestPick = (what: string) => Promise<[number, number] | null>;

/**
 * Editing tools inside the compound card for planners and admins: attributes, status with dates
 * and the acceptance survey, renovation items and gates placed on the map. Every write sends the
 * version it saw; a 409 offers to reload.
 */
/** Item kinds that may be drawn as an area (a parking lot with its count of spaces). */
const AREA_KINDS = ["parking_space"];

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the editor's forms (attributes, status, items, gates) share its version, busy and error state
export function CompoundEditor({
  data,
  costs,
  onChanged,
  requestPick,
}: {
  data: CompoundDetail;
  costs?: CostTable;
  onChanged(): void;
  requestPick: RequestPick;
}) {
  const { t, lang, pct } = useI18n();
  const p = data.properties;
  // Where the compound may go next: the server's rule (GET /api/compounds/statuses), not a copy.
  const next = useCompoundStatuses().data?.transitions[p.status as keyof StatusRules["transitions"]] ?? [];
  const version = (p as { version?: number }).version ?? 1;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [newKind, setNewKind] = useState("charging_pile");
  const [elevatorBuilding, setElevatorBuilding] = useState<number | null>(null);
  const today = new Date().toISOString().slice(0, 10);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const saveAttributes = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => (f.get(k) === "" ? null : Number(f.get(k)));
    const ok = await run(() =>
      sendJson("PATCH", `/api/compounds/${p.id}`, {
        name: String(f.get("name")),
        address: String(f.get("address")) || null,
        buildYear: num("buildYear"),
        households: num("households") ?? 0,
        buildingCount: num("buildingCount") ?? 0,
        management: f.get("management"),
        tier: f.get("tier") || null,
        version,
      }),
    );
    if (ok) setEditing(false);
  };

  const moveStatus = (to: string) => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const opt = (k: string) => (f.get(k) ? Number(f.get(k)) : undefined);
    await run(() =>
      sendJson("POST", `/api/compounds/${p.id}/status`, {
        to,
        on: f.get("on") || undefined,
        planYear: opt("planYear"),
        surveyedHouseholds: opt("surveyed"),
        satisfiedHouseholds: opt("satisfied"),
        version,
      }),
    );
  };

  const addItem = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const onUnit = f.get("kind") === "elevator" ? { buildingId: Number(f.get("buildingId")), buildingUnit: Number(f.get("buildingUnit")) } : {};
    await run(() => sendJson("POST", `/api/compounds/${p.id}/items`, { kind: f.get("kind"), quantity: Number(f.get("quantity")), ...onUnit }));
  };

  const placeItem = async (id: number, itemVersion: number, label: string) => {
    const at = await requestPick(label);
    if (at) await run(() => sendJson("PATCH", `/api/items/${id}`, { geometry: { type: "Point", coordinates: at }, version: itemVersion }));
  };
  /** Draw an area (e.g. a parking lot): click its corners; cancelling the next pick closes it. */
  const drawArea = async (id: number, itemVersion: number, label: string) => {
    const corners: Array<[number, number]> = [];
    for (;;) {
      const at = await requestPick(t("edit.areaCorner", { what: label, n: corners.length + 1 }));
      if (!at) break;
      corners.push(at);
    }
    if (corners.length < 3) return;
    const ring = [...corners, corners[0]];
    await run(() => sendJson("PATCH", `/api/items/${id}`, { geometry: { type: "Polygon", coordinates: [ring] }, version: itemVersion }));
  };
  const addGate = async () => {
    const at = await requestPick(t("edit.addGate"));
    if (at) await run(() => sendJson("POST", `/api/compounds/${p.id}/gates`, { geometry: { type: "Point", coordinates: at }, kind: "pedestrian" }));
  };
  const moveGate = async (id: number, gateVersion: number, label: string) => {
    const at = await requestPick(label);
    if (at) await run(() => sendJson("PATCH", `/api/gates/${id}`, { geometry: { type: "Point", coordinates: at }, version: gateVersion }));
  };

  const field = (name: string, label: MessageKey, input: ReactNode) => (
    // biome-ignore lint/a11y/noLabelWithoutControl: the label wraps the input it is given
    <label className="field" key={name}>
      <span>{t(label)}</span>
      {input}
    </label>
  );
  const acc = costs?.acceptance;

  return (
    <section className="editor" data-testid="compound-editor">
      {error && (
        <div className="state error" role="alert" data-testid="error">
          <p>{error.status === 409 ? t("edit.conflict") : t("state.error", { message: error.detail ?? error.title })}</p>
          {error.errors.length > 0 && (
            <ul>
              {error.errors.map((x) => (
                <li key={`${x.name}:${x.reason}`}>
                  {x.name}: {x.reason}
                </li>
              ))}
            </ul>
          )}
          {error.status === 409 && (
            <button
              type="button"
              data-testid="reload"
              onClick={() => {
                setError(null);
                onChanged();
              }}
            >
              {t("edit.reload")}
            </button>
          )}
        </div>
      )}

      {!editing ? (
        <button type="button" data-testid="edit-attributes" onClick={() => setEditing(true)}>
          {t("edit.edit")}
        </button>
      ) : (
        <form className="form" onSubmit={saveAttributes} data-testid="attributes-form">
          {field("name", "edit.name", <input name="name" defaultValue={p.name} required maxLength={100} />)}
          {field("address", "edit.address", <input name="address" defaultValue={p.address ?? ""} />)}
          {field("buildYear", "edit.buildYear", <input name="buildYear" type="number" min={1900} max={2100} defaultValue={p.buildYear ?? ""} />)}
          {field("households", "edit.households", <input name="households" type="number" min={0} defaultValue={p.households} />)}
          {field("buildingCount", "edit.buildingCount", <input name="buildingCount" type="number" min={0} defaultValue={p.buildingCount} />)}
          {field(
            "management",
            "edit.management",
            <select name="management" defaultValue={p.management}>
              {(["professional", "self", "none"] as const).map((m) => (
                <option key={m} value={m}>
                  {t(`management.${m}`)}
                </option>
              ))}
            </select>,
          )}
          {field(
            "tier",
            "edit.tier",
            <select name="tier" defaultValue={p.tier ?? ""}>
              <option value="">{t("tier.none")}</option>
              {(["basic", "complete", "enhanced"] as const).map((m) => (
                <option key={m} value={m}>
                  {t(`tier.${m}`)}
                </option>
              ))}
            </select>,
          )}
          <div className="row">
            <button type="submit" disabled={busy} data-testid="save-attributes">
              {busy ? t("edit.saving") : t("edit.save")}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t("edit.cancel")}
            </button>
          </div>
        </form>
      )}

      {next.length > 0 && (
        <div className="status-actions">
          <h3>{t("edit.status")}</h3>
          {next.map((to) => (
            <form key={to} className="form inline" onSubmit={moveStatus(to)} data-testid={`status-${to}`}>
              {to === "planned" &&
                field(
                  "planYear",
                  "edit.planYear",
                  <input name="planYear" type="number" min={2000} max={2100} defaultValue={p.planYear ?? new Date().getFullYear() + 1} />,
                )}
              {to !== "planned" && to !== "unlisted" && field("on", "edit.on", <input name="on" type="date" defaultValue={today} />)}
              {to === "accepted" && (
                <>
                  {field("surveyed", "edit.surveyed", <input name="surveyed" type="number" min={0} max={p.households} required />)}
                  {field("satisfied", "edit.satisfied", <input name="satisfied" type="number" min={0} required />)}
                  {acc && <p className="note">{t("edit.acceptRule", { surveyed: pct(acc.minSurveyedShare), satisfied: pct(acc.minSatisfiedShare) })}</p>}
                </>
              )}
              <button type="submit" disabled={busy}>
                {t("edit.moveTo", { status: t(`status.${to}` as MessageKey) })}
              </button>
            </form>
          ))}
        </div>
      )}

      <h3>{t("edit.items")}</h3>
      <ul className="items editable" data-testid="editable-items">
        {data.renovationItems.map((i) => {
          const label = lang === "zh-CN" ? i.properties.nameZh : i.properties.nameEn;
          return (
            <li key={i.id}>
              <span className="item-name">
                {label} × {i.properties.quantity}
                {i.properties.buildingId != null && (
                  <small data-testid="item-on-unit">
                    {" "}
                    ·{" "}
                    {t("edit.onUnit", {
                      building:
                        data.buildings.features.find((b) => b.properties.id === i.properties.buildingId)?.properties.name ?? String(i.properties.buildingId),
                      unit: i.properties.buildingUnit ?? "?",
                    })}
                  </small>
                )}
              </span>
              <button type="button" disabled={busy} onClick={() => void placeItem(i.id, i.properties.version, label)}>
                {i.geometry ? t("edit.move") : t("edit.place")}
              </button>
              {AREA_KINDS.includes(i.properties.kind) && (
                <button type="button" disabled={busy} data-testid="draw-area" onClick={() => void drawArea(i.id, i.properties.version, label)}>
                  {t("edit.drawArea")}
                </button>
              )}
              <button type="button" disabled={busy} onClick={() => void run(() => sendJson("DELETE", `/api/items/${i.id}?version=${i.properties.version}`))}>
                {t("edit.delete")}
              </button>
            </li>
          );
        })}
      </ul>
      <form className="form inline" onSubmit={addItem} data-testid="add-item">
        {field(
          "kind",
          "edit.kind",
          <select name="kind" value={newKind} onChange={(e) => setNewKind(e.target.value)}>
            {costs?.items.map((i) => (
              <option key={i.kind} value={i.kind}>
                {lang === "zh-CN" ? i.nameZh : i.nameEn}
              </option>
            ))}
          </select>,
        )}
        {field("quantity", "edit.quantity", <input name="quantity" type="number" min={0} step="any" defaultValue={1} required />)}
        {newKind === "elevator" &&
          (() => {
            // An elevator goes on one unit (单元) of a building: candidates (4+ floors, no elevator) first.
            const bs = [...data.buildings.features].sort(
              (a, b) =>
                Number(b.properties.floors >= 4 && !b.properties.hasElevator) - Number(a.properties.floors >= 4 && !a.properties.hasElevator) ||
                a.properties.id - b.properties.id,
            );
            const chosen = bs.find((b) => b.properties.id === elevatorBuilding) ?? bs[0];
            return (
              <>
                {field(
                  "buildingId",
                  "edit.building",
                  <select
                    name="buildingId"
                    data-testid="item-building"
                    value={chosen?.properties.id ?? ""}
                    onChange={(e) => setElevatorBuilding(Number(e.target.value))}
                    required
                  >
                    {bs.map((b) => (
                      <option key={b.properties.id} value={b.properties.id}>
                        {t("edit.buildingOption", {
                          name: b.properties.name ?? String(b.properties.id),
                          floors: b.properties.floors,
                          units: b.properties.units,
                        })}
                      </option>
                    ))}
                  </select>,
                )}
                {field(
                  "buildingUnit",
                  "edit.unit",
                  <select name="buildingUnit" data-testid="item-unit" key={chosen?.properties.id}>
                    {Array.from({ length: chosen?.properties.units ?? 1 }, (_, i) => i + 1).map((n) => (
                      <option key={n} value={n}>
                        {t("edit.unitOption", { n })}
                      </option>
                    ))}
                  </select>,
                )}
              </>
            );
          })()}
        <button type="submit" disabled={busy}>
          {t("edit.add")}
        </button>
      </form>

      <h3>{t("edit.gates")}</h3>
      <ul className="items editable">
        {data.gates.features.map((g) => {
          const label = g.properties.name ?? t(`edit.gateKind.${g.properties.kind}` as MessageKey);
          const gv = (g.properties as { version?: number }).version ?? 1;
          return (
            <li key={g.id}>
              <span className="item-name">{label}</span>
              <button type="button" disabled={busy} onClick={() => void moveGate(g.id, gv, label)}>
                {t("edit.move")}
              </button>
              <button type="button" disabled={busy} onClick={() => void run(() => sendJson("DELETE", `/api/gates/${g.id}?version=${gv}`))}>
                {t("edit.delete")}
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" disabled={busy} onClick={() => void addGate()} data-testid="add-gate">
        {t("edit.addGate")}
      </button>
    </section>
  );
}
