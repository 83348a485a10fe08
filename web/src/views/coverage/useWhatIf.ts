import { useCallback, useEffect, useState } from "react";
import type { Amenities } from "../../api/resources";
import { geodesicM } from "../../analysis/geo";
import { NO_CHANGES, type FacilityChange, type ScenarioChanges } from "../../analysis/whatif";
import { useI18n, type MessageKey, type Translate } from "../../i18n";
import type { CompoundInfo } from "./model";
import type { Scenario } from "./Scenarios";

let changeSeq = 0;
const newKey = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(changeSeq++).toString(36)}`;

/** The existing facility within 60 m of a picked point (the nearest), or undefined. */
function nearestAmenity(amenities: Iterable<Amenities["features"][number]>, pt: [number, number]) {
  let best: { id: number; d: number } | null = null;
  for (const a of amenities) {
    const d = geodesicM(pt, a.geometry.coordinates as [number, number]);
    if (d < 60 && (!best || d < best.d)) best = { id: a.properties.id, d };
  }
  return best?.id;
}

/** Each change of a scenario in words ("新增 幼儿园", "为 某小区 开门"), keyed as the changes are: the list on screen and in the printed report. */
export function describeChanges(
  changes: ScenarioChanges,
  {
    t,
    categoryName,
    info,
    amenityById,
  }: { t: Translate; categoryName(code: string): string; info: Map<number, CompoundInfo>; amenityById: ReadonlyMap<number, Amenities["features"][number]> },
): Array<{ key: string; text: string }> {
  return [
    ...changes.facilities.map((c) => ({
      key: c.key,
      text: t(`whatif.action.${c.action}` as MessageKey, {
        category: categoryName(c.category ?? amenityById.get(c.amenityId ?? -1)?.properties.category ?? ""),
      }),
    })),
    ...changes.gates.map((g) => ({ key: g.key, text: t("whatif.action.gate", { compound: info.get(g.compoundId)?.name ?? String(g.compoundId) }) })),
  ];
}

/**
 * The what-if scenario being edited: its changes (facilities added, moved or removed, gates
 * added), picked on the map through `requestPick`, and the saved scenario they came from. A pick
 * that finds nothing to change is told through `say`.
 */
export function useWhatIf({
  amenityById,
  selectedId,
  categoryName,
  requestPick,
  say,
  onDragHandler,
}: {
  amenityById: ReadonlyMap<number, Amenities["features"][number]>;
  /** The compound selected on the map (a gate is proposed for it). */
  selectedId: number | null;
  categoryName(code: string): string;
  requestPick(what: string): Promise<[number, number] | null>;
  say(message: string | null): void;
  /** Where to register what dragging a proposed facility on the map does (see {@link moveChange}). */
  onDragHandler?(handler: ((key: string, lonLat: [number, number]) => void) | null): void;
}) {
  const { t } = useI18n();
  const [changes, setChanges] = useState<ScenarioChanges>(NO_CHANGES);
  const [scenario, setScenario] = useState<Scenario | null>(null);
  const [addCategory, setAddCategory] = useState("kindergarten");

  // A later change to the same facility replaces the earlier one.
  const addChange = (c: FacilityChange) =>
    setChanges((s) => ({
      ...s,
      facilities: [...s.facilities.filter((x) => c.amenityId === undefined || x.amenityId !== c.amenityId), c],
    }));
  const propose = async () => {
    const pt = await requestPick(t("whatif.pickNew", { category: categoryName(addCategory) }));
    if (pt) addChange({ key: newKey("add"), action: "add", category: addCategory, lonLat: pt });
  };
  const moveOrRemove = async (action: "move" | "remove") => {
    const pt = await requestPick(t("whatif.pickExisting"));
    if (!pt) return;
    const id = nearestAmenity(amenityById.values(), pt);
    if (id === undefined) {
      say(t("whatif.noFacilityHere"));
      return;
    }
    say(null);
    if (action === "remove") {
      addChange({ key: newKey("remove"), action, amenityId: id });
      return;
    }
    const to = await requestPick(t("whatif.pickDestination"));
    if (to) addChange({ key: newKey("move"), action, amenityId: id, lonLat: to });
  };
  const proposeGate = async () => {
    if (selectedId === null) {
      say(t("whatif.selectCompoundFirst"));
      return;
    }
    const compoundId = selectedId;
    const pt = await requestPick(t("whatif.pickGate"));
    if (pt) setChanges((s) => ({ ...s, gates: [...s.gates, { key: newKey("gate"), action: "add", compoundId, lonLat: pt }] }));
  };
  /** A proposed facility (or a moved one's new place) dragged on the map to `lonLat`. */
  const moveChange = useCallback(
    (key: string, lonLat: [number, number]) =>
      setChanges((s) => ({ ...s, facilities: s.facilities.map((c) => (c.key === key && c.lonLat ? { ...c, lonLat } : c)) })),
    [],
  );
  // Proposed facilities on the map can be dragged: the scenario follows, and the colours with it.
  useEffect(() => {
    onDragHandler?.(moveChange);
    return () => onDragHandler?.(null);
  }, [onDragHandler, moveChange]);
  /** Add a suggested site to the scenario as a new facility. */
  const addSite = (category: string, lonLat: [number, number]) => addChange({ key: newKey("site"), action: "add", category, lonLat });
  const dropChange = (key: string) =>
    setChanges((s) => ({ facilities: s.facilities.filter((c) => c.key !== key), gates: s.gates.filter((g) => g.key !== key) }));
  const clear = () => {
    setChanges(NO_CHANGES);
    setScenario(null);
  };
  const load = (s: Scenario | null) => {
    setScenario(s);
    setChanges(s ? s.changes : NO_CHANGES);
  };

  return { changes, scenario, addCategory, setAddCategory, propose, moveOrRemove, proposeGate, moveChange, addSite, dropChange, clear, load };
}
