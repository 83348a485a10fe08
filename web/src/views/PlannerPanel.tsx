import type { ApiState } from "../api/client";
import type { CaptureMap } from "../map/print-frame";
import type { Amenities, Buildings, Compounds, Gates, StandardsProfile } from "../api/resources";
import type { AnalysisState } from "./coverage/useAnalysis";
import { ClusterPanel } from "./planner/ClusterPanel";
import { PlanBuilder } from "./planner/PlanBuilder";
import { ErrorBox, Loading } from "../components/States";
import { useI18n } from "../i18n";
import { BUILDING_COLORS, ELEVATOR_CANDIDATE_MIN_FLOORS } from "../map/palette";
import { CategoryLegend } from "./CategoryLegend";

/** The planner's base map: buildings by elevator status (3D optional), gates and facilities. */
export function PlannerPanel({
  standards,
  amenities,
  buildings,
  show3d,
  onShow3d,
  compounds,
  gates,
  analysis,
  onColors,
  onOverlay,
  onCaptureClicks,
  onZoomTo,
  captureMap,
}: {
  standards: ApiState<StandardsProfile>;
  amenities: ApiState<Amenities>;
  buildings: ApiState<Buildings>;
  show3d: boolean;
  onShow3d(v: boolean): void;
  compounds: ApiState<Compounds>;
  gates: ApiState<Gates>;
  analysis: AnalysisState;
  onColors(c: Map<number, string> | undefined): void;
  onOverlay(fc: { type: "FeatureCollection"; features: unknown[] } | undefined): void;
  onCaptureClicks(fn: ((id: number) => void) | null): void;
  onZoomTo(bounds: [number, number, number, number]): void;
  captureMap: CaptureMap;
}) {
  const { t, num } = useI18n();
  const all = buildings.data?.features ?? [];
  const candidates = all.filter((b) => !b.properties.hasElevator && b.properties.floors >= ELEVATOR_CANDIDATE_MIN_FLOORS).length;
  const counts: Record<string, number> = {};
  for (const a of amenities.data?.features ?? []) counts[a.properties.category] = (counts[a.properties.category] ?? 0) + 1;
  return (
    <div className="panel" data-testid="planner-panel" data-analysis={analysis.status} data-analysis-generation={analysis.generation}>
      <h2>{t("planner.title")}</h2>
      <p className="hint">{t("planner.intro")}</p>
      <label className="toggle">
        <input type="checkbox" data-testid="toggle-3d" checked={show3d} onChange={(e) => onShow3d(e.target.checked)} />
        {t("planner.view3d")}
      </label>
      {buildings.isLoading && <Loading />}
      {buildings.error && <ErrorBox error={buildings.error} onRetry={buildings.reload} />}
      {buildings.data && (
        <p className="note" data-testid="planner-stats">
          {t("planner.stats", { buildings: num(all.length), candidates: num(candidates) })}
        </p>
      )}
      <section className="legend">
        <h3>{t("planner.buildings")}</h3>
        <ul>
          <li>
            <span className="swatch" style={{ background: BUILDING_COLORS.elevator }} />
            {t("planner.elevator")}
          </li>
          <li>
            <span className="swatch" style={{ background: BUILDING_COLORS.candidate }} />
            {t("planner.candidate")}
          </li>
          <li>
            <span className="swatch" style={{ background: BUILDING_COLORS.low }} />
            {t("planner.low")}
          </li>
          <li>
            <span className="swatch gate" />
            {t("planner.gate")}
          </li>
        </ul>
      </section>
      <ClusterPanel
        compounds={compounds}
        gates={gates}
        standards={standards}
        analysis={analysis}
        onColors={onColors}
        onOverlay={onOverlay}
        onCaptureClicks={onCaptureClicks}
        onZoomTo={onZoomTo}
        captureMap={captureMap}
      />
      <PlanBuilder onColors={onColors} />
      {standards.error && <ErrorBox error={standards.error} onRetry={standards.reload} />}
      {standards.data && <CategoryLegend standards={standards.data} counts={counts} />}
    </div>
  );
}
