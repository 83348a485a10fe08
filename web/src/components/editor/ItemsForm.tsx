import { useEffect, useState, type FormEvent } from "react";
import type { CompoundDetail, CostTable } from "../../api/resources";
import { useI18n } from "../../i18n";
import { ItemLegend } from "../ItemLegend";
import { Field } from "./Field";
import { type ItemStatus, type ItemStatusRules, itemsThatCanMove, moveAllItems, moveItem, todayInput, useItemStatusRules } from "./itemStatus";
import type { CompoundEdit, PickedBuilding, RequestPick } from "./useCompoundEdit";

/** Item kinds that may be drawn as an area (a parking lot with its count of spaces). */
const AREA_KINDS = ["parking_space"];

type Props = { data: CompoundDetail; costs?: CostTable; edit: CompoundEdit; requestPick: RequestPick; pickedBuilding?: PickedBuilding | null };

/** The compound's renovation items, each placed, moved, drawn or deleted on its own row, and a form to add one. */
export function ItemsForm({ data, costs, edit, requestPick, pickedBuilding }: Props) {
  const { t } = useI18n();
  const rules = useItemStatusRules().data;
  return (
    <>
      <h3>{t("edit.items")}</h3>
      <ItemList data={data} edit={edit} requestPick={requestPick} rules={rules} />
      <BulkMoves data={data} edit={edit} rules={rules} />
      <AddItemForm data={data} costs={costs} edit={edit} pickedBuilding={pickedBuilding} />
      <ItemLegend withPlanned />
    </>
  );
}

/** "All items → 施工中 / 已完工": every item that can get there moves, in one write. */
function BulkMoves({ data, edit, rules }: { data: CompoundDetail; edit: CompoundEdit; rules?: ItemStatusRules }) {
  const { t } = useI18n();
  const [on, setOn] = useState(todayInput);
  const targets = (["started", "completed"] as const).map((to) => ({ to, count: itemsThatCanMove(data, rules, to).length })).filter((x) => x.count > 0);
  if (targets.length === 0) return null;
  return (
    <div className="form inline" data-testid="items-bulk">
      <Field label="item.edit.on">
        <input type="date" value={on} onChange={(e) => setOn(e.target.value)} data-testid="items-bulk-on" />
      </Field>
      {targets.map(({ to, count }) => (
        <button key={to} type="button" disabled={edit.busy} data-testid={`items-all-${to}`} onClick={() => void moveAllItems(edit, data, rules, to, on)}>
          {t("item.edit.allTo", { status: t(`item.status.${to}`), count })}
        </button>
      ))}
    </div>
  );
}

/** An item's status, its dates, and a button for each move the rule allows from there (dated, today by default). */
function ItemStatusMoves({ item, edit, rules }: { item: CompoundDetail["renovationItems"][number]; edit: CompoundEdit; rules?: ItemStatusRules }) {
  const { t } = useI18n();
  const [on, setOn] = useState(todayInput);
  const p = item.properties;
  const next = (rules?.transitions[p.status] ?? []) as ItemStatus[];
  const dates = [p.startedOn && t("item.edit.startedOn", { date: p.startedOn }), p.completedOn && t("item.edit.completedOn", { date: p.completedOn })].filter(
    Boolean,
  );
  return (
    <span className="item-moves" style={{ flexBasis: "100%", display: "flex", flexWrap: "wrap", alignItems: "center", gap: 6 }}>
      <span className={`item-status ${p.status}`} data-testid="item-status">
        {t(`item.status.${p.status}`)}
        {dates.length > 0 && <small> · {dates.join(" · ")}</small>}
      </span>
      {next.some((to) => to === "started" || to === "completed") && (
        <input type="date" value={on} onChange={(e) => setOn(e.target.value)} aria-label={t("item.edit.on")} data-testid="item-move-on" />
      )}
      {next.map((to) => (
        <button key={to} type="button" disabled={edit.busy} data-testid={`item-move-${to}`} onClick={() => void moveItem(edit, item, to, on)}>
          {t(`item.edit.to.${to}`)}
        </button>
      ))}
    </span>
  );
}

function ItemList({ data, edit, requestPick, rules }: Omit<Props, "costs"> & { rules?: ItemStatusRules }) {
  const { t, lang } = useI18n();
  const { busy, send } = edit;

  const placeItem = async (id: number, itemVersion: number, label: string) => {
    const at = await requestPick(label);
    if (at) await send("PATCH", `/api/items/${id}`, { geometry: { type: "Point", coordinates: at }, version: itemVersion });
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
    await send("PATCH", `/api/items/${id}`, { geometry: { type: "Polygon", coordinates: [ring] }, version: itemVersion });
  };
  const buildingName = (id: number) => data.buildings.features.find((b) => b.properties.id === id)?.properties.name ?? String(id);

  return (
    <ul className="items editable" data-testid="editable-items">
      {data.renovationItems.map((i) => {
        const label = lang === "zh-CN" ? i.properties.nameZh : i.properties.nameEn;
        return (
          <li key={i.id} data-testid="item-row" data-item-id={i.id} data-status={i.properties.status} style={{ flexWrap: "wrap" }}>
            <span className="item-name">
              {label} × {i.properties.quantity}
              {i.properties.buildingId != null && (
                <small data-testid="item-on-unit">
                  {" "}
                  · {t("edit.onUnit", { building: buildingName(i.properties.buildingId), unit: i.properties.buildingUnit ?? "?" })}
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
            <button type="button" disabled={busy} onClick={() => void send("DELETE", `/api/items/${i.id}?version=${i.properties.version}`)}>
              {t("edit.delete")}
            </button>
            <ItemStatusMoves item={i} edit={edit} rules={rules} />
          </li>
        );
      })}
    </ul>
  );
}

function AddItemForm({ data, costs, edit, pickedBuilding }: Omit<Props, "requestPick">) {
  const { lang, t } = useI18n();
  const [newKind, setNewKind] = useState("charging_pile");
  // Kept here, not in ElevatorFields, so the chosen building survives switching the kind away and back.
  const [elevatorBuilding, setElevatorBuilding] = useState<number | null>(null);
  // A building clicked on the map: an elevator on it, one of its units to choose.
  // biome-ignore lint/correctness/useExhaustiveDependencies: applies each click (its counter), not each render of the card
  useEffect(() => {
    if (!pickedBuilding || !data.buildings.features.some((b) => b.properties.id === pickedBuilding.id)) return;
    setNewKind("elevator");
    setElevatorBuilding(pickedBuilding.id);
  }, [pickedBuilding?.n]);

  const addItem = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const onUnit = f.get("kind") === "elevator" ? { buildingId: Number(f.get("buildingId")), buildingUnit: Number(f.get("buildingUnit")) } : {};
    await edit.send("POST", `/api/compounds/${data.properties.id}/items`, { kind: f.get("kind"), quantity: Number(f.get("quantity")), ...onUnit });
  };

  return (
    <form className="form inline" onSubmit={addItem} data-testid="add-item">
      <Field label="edit.kind">
        <select name="kind" value={newKind} onChange={(e) => setNewKind(e.target.value)}>
          {costs?.items.map((i) => (
            <option key={i.kind} value={i.kind}>
              {lang === "zh-CN" ? i.nameZh : i.nameEn}
            </option>
          ))}
        </select>
      </Field>
      <Field label="edit.quantity">
        <input name="quantity" type="number" min={0} step="any" defaultValue={1} required />
      </Field>
      {newKind === "elevator" && <ElevatorFields data={data} chosenId={elevatorBuilding} onChoose={setElevatorBuilding} />}
      <button type="submit" disabled={edit.busy}>
        {t("edit.add")}
      </button>
    </form>
  );
}

/** An elevator goes on one unit (单元) of a building: candidates (4+ floors, no elevator) first. */
function ElevatorFields({ data, chosenId, onChoose }: { data: CompoundDetail; chosenId: number | null; onChoose(id: number): void }) {
  const { t } = useI18n();
  const candidate = (b: (typeof data.buildings.features)[number]) => Number(b.properties.floors >= 4 && !b.properties.hasElevator);
  const bs = [...data.buildings.features].sort((a, b) => candidate(b) - candidate(a) || a.properties.id - b.properties.id);
  const chosen = bs.find((b) => b.properties.id === chosenId) ?? bs[0];
  return (
    <>
      <Field label="edit.building">
        <select name="buildingId" data-testid="item-building" value={chosen?.properties.id ?? ""} onChange={(e) => onChoose(Number(e.target.value))} required>
          {bs.map((b) => (
            <option key={b.properties.id} value={b.properties.id}>
              {t("edit.buildingOption", { name: b.properties.name ?? String(b.properties.id), floors: b.properties.floors, units: b.properties.units })}
            </option>
          ))}
        </select>
      </Field>
      <Field label="edit.unit">
        <select name="buildingUnit" data-testid="item-unit" key={chosen?.properties.id}>
          {Array.from({ length: chosen?.properties.units ?? 1 }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {t("edit.unitOption", { n })}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}
