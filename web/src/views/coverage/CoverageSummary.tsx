import type { Compounds } from "../../api/resources";
import type { SessionCoverage } from "../../analysis/session";
import { useI18n, type MessageKey } from "../../i18n";
import type { AnalysisState } from "./useAnalysis";

/** What the figures rest on: households that are estimates (or missing), access that is assumed. */
function householdNotes(compounds: Compounds | undefined) {
  const notes = { estimated: 0, unknown: 0, assumed: 0 };
  for (const f of compounds?.features ?? []) {
    if (f.properties.householdsSource === "estimated") notes.estimated++;
    if (f.properties.householdsSource === "unknown" || f.properties.households === 0) notes.unknown++;
    if (f.properties.access === "assumed" || f.properties.access === "open") notes.assumed++;
  }
  return notes;
}

/**
 * The result at a glance: the walk network's size, what the figures leave out (compounds off the
 * network or isolated, categories absent from the city) or estimate, and the share covered per
 * living circle.
 */
export function CoverageSummary({
  analysis,
  result,
  compounds,
  categoryName,
}: {
  analysis: AnalysisState;
  result: SessionCoverage;
  compounds: Compounds | undefined;
  categoryName(code: string): string;
}) {
  const { t, num, pct } = useI18n();
  const notes = householdNotes(compounds);
  return (
    <>
      <p className="note" data-testid="coverage-meta">
        {t("cov.meta", { nodes: num(analysis.nodeCount ?? 0), edges: num(analysis.edgeCount ?? 0), ms: num(analysis.ms ?? 0) })}
      </p>
      {result.unattachedCompounds.length > 0 && (
        <p className="note warn" data-testid="coverage-unattached">
          {t("cov.unattached", { count: num(result.unattachedCompounds.length), households: num(result.noAccessHouseholds) })}
        </p>
      )}
      {result.isolatedCompounds.length > 0 && (
        <p className="note warn" data-testid="coverage-isolated">
          {t("cov.isolated", { count: num(result.isolatedCompounds.length) })}
        </p>
      )}
      {result.absentCategories.length > 0 && (
        <p className="note warn" data-testid="coverage-absent">
          {t("cov.absent", { categories: result.absentCategories.map(categoryName).join("、") })}
        </p>
      )}
      {notes.estimated + notes.unknown > 0 && (
        <p className="note" data-testid="coverage-households-source">
          {notes.estimated > 0 && t("cov.householdsEstimated", { count: num(notes.estimated) })}
          {notes.unknown > 0 && t("cov.householdsUnknown", { count: num(notes.unknown) })}
        </p>
      )}
      {notes.assumed > 0 && (
        <p className="note" data-testid="coverage-access-assumed">
          {t("cov.accessAssumed", { count: num(notes.assumed) })}
        </p>
      )}
      <section className="circles" data-testid="coverage-circles">
        {result.byCircle.map((c) => (
          <div key={c.circle} className="figure">
            <span>{t(`coverage.circle.${c.circle}` as MessageKey)}</span>
            <strong>{pct(c.share)}</strong>
          </div>
        ))}
      </section>
    </>
  );
}
