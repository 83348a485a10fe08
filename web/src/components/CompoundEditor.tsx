import type { CompoundDetail, CostTable } from "../api/resources";
import type { EditedLayer } from "../api/edit-scope";
import { AttributesForm } from "./editor/AttributesForm";
import { EditError } from "./editor/EditError";
import { GatesForm } from "./editor/GatesForm";
import { ItemsForm } from "./editor/ItemsForm";
import { StatusForm } from "./editor/StatusForm";
import { type PickedBuilding, type RequestPick, useCompoundEdit } from "./editor/useCompoundEdit";

export type { PickedBuilding, RequestPick } from "./editor/useCompoundEdit";

/**
 * Editing tools inside the compound card for planners and admins: attributes, status with dates
 * and the acceptance survey, renovation items and gates placed on the map. Every write sends the
 * version it saw; a 409 offers to reload. The forms share one write state (useCompoundEdit), so
 * only one write runs at a time; `data-busy` on the root is "true" while it does.
 */
export function CompoundEditor({
  data,
  costs,
  onChanged,
  requestPick,
  pickedBuilding,
}: {
  data: CompoundDetail;
  costs?: CostTable;
  onChanged(layers: readonly EditedLayer[]): void;
  requestPick: RequestPick;
  /** A building the planner clicked on the map (a new `n` each click): the elevator form points at it. */
  pickedBuilding?: PickedBuilding | null;
}) {
  const edit = useCompoundEdit(data, onChanged);
  return (
    <section className="editor" data-testid="compound-editor" data-busy={edit.busy ? "true" : "false"}>
      {edit.error && <EditError error={edit.error} onReload={edit.reload} />}
      <AttributesForm data={data} edit={edit} />
      <StatusForm data={data} costs={costs} edit={edit} />
      <ItemsForm data={data} costs={costs} edit={edit} requestPick={requestPick} pickedBuilding={pickedBuilding} />
      <GatesForm data={data} edit={edit} requestPick={requestPick} />
    </section>
  );
}
