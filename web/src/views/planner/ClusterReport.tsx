import { createPortal } from "react-dom";
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
  mapImage,
  categoryName,
  onClose,
}: {
  name: string;
  memberNames: string;
  sheet: Sheet;
  engine?: EngineDescription;
  site?: { category: string; proposal: SiteProposal | null };
  /** A data URL of the map around the members; null when it could not be captured. */
  mapImage: string | null;
  categoryName(code: string): string;
  onClose(): void;
}) {
  const { t, num } = useI18n();
  return createPortal(
    <div className="report-overlay" data-testid="cluster-report" role="dialog" aria-label={name}>
      <div className="report-actions no-print">
        <button type="button" data-testid="report-print" onClick={() => window.print()}>
          {t("report.print")}
        </button>
        <button type="button" onClick={onClose}>
          {t("report.close")}
        </button>
      </div>
      <article className="report-page cluster-report">
        <header>
          <h1>{t("cluster.reportTitle", { name })}</h1>
          <p>
            {new Date().toLocaleDateString()} · {t("cluster.listLine", { compounds: sheet.memberIds.length, households: num(sheet.totals.households) })}
          </p>
        </header>
        {mapImage ? <img className="report-map" data-testid="report-map" src={mapImage} alt={name} /> : <p className="note">{t("report.noMap")}</p>}
        <p className="note">{t("cluster.members", { names: memberNames })}</p>
        <ClusterSheetView sheet={sheet} engine={engine} site={site} categoryName={categoryName} />
      </article>
    </div>,
    document.body,
  );
}
