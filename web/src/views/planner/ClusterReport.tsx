import { PrintPage } from "../../components/PrintPage";
import type { MapFrame } from "../../map/print-frame";
import type { ClusterSheet as Sheet } from "../../../../server/schemas/clusters";
import { useI18n } from "../../i18n";
import { ClusterSheetView } from "./ClusterSheet";
import type { EngineDescription } from "./useClusterSelection";
import type { SiteProposal } from "../../analysis/siting";

/** The cluster plan for the browser's print dialog: the map image, the members and the sheet. */
export function ClusterReport({
  name,
  memberNames,
  sheet,
  engine,
  site,
  map,
  outline,
  categoryName,
  onClose,
}: {
  name: string;
  memberNames: string;
  sheet: Sheet;
  engine?: EngineDescription;
  site?: { category: string; proposal: SiteProposal | null };
  /** A data URL of the map around the members; null when it could not be captured. */
  map: MapFrame | null;
  /** The members' outline, drawn over the map. */
  outline: Array<Array<[number, number]>>;
  categoryName(code: string): string;
  onClose(): void;
}) {
  const { t, num } = useI18n();
  return (
    <PrintPage
      testId="cluster-report"
      className="cluster-report"
      title={t("cluster.reportTitle", { name })}
      subtitle={`${new Date().toLocaleDateString()} · ${t("cluster.listLine", { compounds: sheet.memberIds.length, households: num(sheet.totals.households) })}`}
      map={map}
      outline={outline}
      mapAlt={name}
      onClose={onClose}
    >
      <p className="note">{t("cluster.members", { names: memberNames })}</p>
      <ClusterSheetView sheet={sheet} engine={engine} site={site} categoryName={categoryName} printed />
    </PrintPage>
  );
}
