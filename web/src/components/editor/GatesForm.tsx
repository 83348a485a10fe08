import type { CompoundDetail } from "../../api/resources";
import { useI18n, type MessageKey } from "../../i18n";
import type { CompoundEdit, RequestPick } from "./useCompoundEdit";

/** The compound's gates, each moved or deleted on its own row, and a button to place a new one on the map. */
export function GatesForm({ data, edit, requestPick }: { data: CompoundDetail; edit: CompoundEdit; requestPick: RequestPick }) {
  const { t } = useI18n();
  const { busy, send } = edit;

  const addGate = async () => {
    const at = await requestPick(t("edit.addGate"));
    if (at) await send("POST", `/api/compounds/${data.properties.id}/gates`, { geometry: { type: "Point", coordinates: at }, kind: "pedestrian" });
  };
  const moveGate = async (id: number, gateVersion: number, label: string) => {
    const at = await requestPick(label);
    if (at) await send("PATCH", `/api/gates/${id}`, { geometry: { type: "Point", coordinates: at }, version: gateVersion });
  };

  return (
    <>
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
              <button type="button" disabled={busy} onClick={() => void send("DELETE", `/api/gates/${g.id}?version=${gv}`)}>
                {t("edit.delete")}
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" disabled={busy} onClick={() => void addGate()} data-testid="add-gate">
        {t("edit.addGate")}
      </button>
    </>
  );
}
