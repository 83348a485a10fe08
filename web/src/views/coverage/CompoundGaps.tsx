import { useEffect, useState } from "react";
import type { Amenities, StandardsProfile } from "../../api/resources";
import type { SessionCoverage, NearestFacility } from "../../analysis/session";
import type { ScenarioChanges } from "../../analysis/whatif";
import { useI18n } from "../../i18n";
import type { CompoundInfo } from "./model";
import type { AnalysisState } from "./useAnalysis";

/**
 * The selected compound in the coverage view: the categories it lacks, each with its walking
 * distance against the limit and the nearest facility of that category (named), after the
 * scenario's changes. The nearest facilities come from one search from the compound's gates in
 * the worker.
 */
export function CompoundGaps({
  compoundId,
  info,
  result,
  changes,
  analysis,
  categories,
  categoryName,
  amenityById,
}: {
  compoundId: number;
  info: Map<number, CompoundInfo>;
  result: SessionCoverage;
  changes: ScenarioChanges;
  analysis: AnalysisState;
  categories: StandardsProfile["categories"];
  categoryName(code: string): string;
  amenityById: ReadonlyMap<number, Amenities["features"][number]>;
}) {
  const { t, num } = useI18n();
  const [nearest, setNearest] = useState<NearestFacility[] | null>(null);
  const coverage = result.compounds.find((c) => c.id === compoundId);
  useEffect(() => {
    let live = true;
    setNearest(null);
    analysis.call<NearestFacility[]>({ type: "nearest", compoundId, changes }).then(
      (n) => live && setNearest(n),
      () => live && setNearest([]),
    );
    return () => {
      live = false;
    };
  }, [analysis.call, compoundId, changes]);
  const name = info.get(compoundId)?.name ?? String(compoundId);
  if (!coverage) return null;
  const facilityName = (id: number | null) => {
    if (id === null) return t("covc.noFacility");
    const a = amenityById.get(id);
    return a ? (a.properties.name ?? categoryName(a.properties.category)) : t("whatif.proposed");
  };
  return (
    <section
      className="compound-gaps"
      data-testid="compound-gaps"
      data-id={compoundId}
      data-missing={coverage.missing.length}
      data-ready={nearest ? "true" : "false"}
    >
      <h3>{t("covc.title", { name })}</h3>
      {coverage.missing.length === 0 ? (
        <p className="note">{t("covc.none")}</p>
      ) : (
        <ul>
          {coverage.missing.map((code) => {
            const d = coverage.distanceM[code] ?? Infinity;
            const limit = categories.find((c) => c.code === code)?.limitM ?? 0;
            const n = nearest?.find((x) => x.category === code);
            return (
              <li
                key={code}
                data-testid="compound-gap"
                data-code={code}
                data-distance={Number.isFinite(d) ? Math.round(d) : "unreachable"}
                data-facility={n?.facilityId ?? ""}
              >
                {t("covc.row", {
                  category: categoryName(code),
                  distance: Number.isFinite(d) ? `${num(Math.round(d))} m` : t("covc.unreachable"),
                  limit: num(limit),
                })}
                {n && <span className="small"> {t("covc.nearest", { facility: facilityName(n.facilityId) })}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
