import type { ApiState } from "../api/client";
import type { Amenities, StandardsProfile } from "../api/resources";
import { ErrorBox, Loading } from "../components/States";
import { useI18n } from "../i18n";
import { CategoryLegend } from "./CategoryLegend";

/** Bureau staff's view: facilities by living circle (the walking-coverage analysis builds on it). */
export function CoveragePanel({ standards, amenities }: { standards: ApiState<StandardsProfile>; amenities: ApiState<Amenities> }) {
  const { t } = useI18n();
  const counts: Record<string, number> = {};
  for (const a of amenities.data?.features ?? []) counts[a.properties.category] = (counts[a.properties.category] ?? 0) + 1;
  return (
    <div className="panel" data-testid="coverage-panel">
      <h2>{t("coverage.title")}</h2>
      <p className="hint">{t("coverage.intro")}</p>
      {(standards.isLoading || amenities.isLoading) && <Loading />}
      {standards.error && <ErrorBox error={standards.error} onRetry={standards.reload} />}
      {amenities.error && <ErrorBox error={amenities.error} onRetry={amenities.reload} />}
      {standards.data && <CategoryLegend standards={standards.data} counts={counts} />}
    </div>
  );
}
