import type { Progress } from "../api/resources";
import type { ApiState } from "../api/client";
import { YearChart } from "../components/YearChart";
import { ItemLegend } from "../components/ItemLegend";
import { StatusLegend } from "../components/StatusLegend";
import { ErrorBox, Loading } from "../components/States";
import { useSession } from "../api/session";
import { useI18n } from "../i18n";

/** The public progress view: year filter, the seeds' summary figures, the per-year chart, the legend. */
export function ProgressPanel({
  progress,
  year,
  onYear,
  statusCounts,
}: {
  progress: ApiState<Progress>;
  year: number | null;
  onYear(year: number | null): void;
  statusCounts?: Record<string, number>;
}) {
  const { t, num, pct } = useI18n();
  // Signed in, the map also shows planned and started additions: the legend says how.
  const { user } = useSession();
  const row = progress.data && (year === null ? progress.data.total : progress.data.years.find((y) => y.planYear === year));
  // The years to choose from are the plan years the data has (the chart's bars), and a linked year
  // the data does not have yet, so the filter never shows a year it cannot select or vice versa.
  const years = [
    ...new Set([...(progress.data?.years.map((y) => y.planYear).filter((y): y is number => y !== null) ?? []), ...(year === null ? [] : [year])]),
  ].sort((a, b) => a - b);
  return (
    <div className="panel" data-testid="progress-panel">
      <label className="field">
        <span>{t("progress.year")}</span>
        <select data-testid="year-filter" value={year ?? ""} onChange={(e) => onYear(e.target.value ? Number(e.target.value) : null)}>
          <option value="">{t("progress.allYears")}</option>
          {years.map((y) => (
            <option key={y} value={y}>
              {t("progress.yearOption", { year: y })}
            </option>
          ))}
        </select>
      </label>
      {progress.isLoading && !progress.data && <Loading />}
      {progress.error && <ErrorBox error={progress.error} onRetry={progress.reload} />}
      {progress.data && (
        <>
          <div className="stats">
            <Stat id="stat-planned" label={t("progress.planned")} value={row?.planned ?? 0} text={num(row?.planned ?? 0)} unit={t("progress.plannedUnit")} />
            <Stat id="stat-start-rate" label={t("progress.startRate")} value={row?.startRate ?? 0} text={pct(row?.startRate ?? 0)} />
            <Stat id="stat-completion-rate" label={t("progress.completionRate")} value={row?.completionRate ?? 0} text={pct(row?.completionRate ?? 0)} />
            <Stat
              id="stat-households"
              label={t("progress.households")}
              value={row?.householdsBenefited ?? 0}
              text={num(row?.householdsBenefited ?? 0)}
              unit={t("progress.householdsUnit")}
            />
            <Stat
              id="stat-investment"
              label={t("progress.investment")}
              value={row?.investmentWan ?? 0}
              text={num(row?.investmentWan ?? 0)}
              unit={t("progress.investmentUnit")}
            />
          </div>
          <YearChart years={progress.data.years} selected={year} onSelect={(y) => onYear(y === year ? null : y)} />
        </>
      )}
      <StatusLegend counts={statusCounts} />
      <ItemLegend withPlanned={user !== null} />
      <p className="hint">{t("progress.hint")}</p>
      <section className="exports" data-testid="exports">
        <h3>{t("export.title")}</h3>
        {(["compounds", "items"] as const).map((layer) => (
          <p key={layer}>
            {t(`export.${layer}`)}：
            {(["csv", "geojson", "gpkg"] as const).map((fmt) => (
              <a key={fmt} href={`/api/export/${layer}.${fmt}${year ? `?plan_year=${year}` : ""}`} download>
                {fmt === "gpkg" ? "GeoPackage" : fmt.toUpperCase()}
              </a>
            ))}
          </p>
        ))}
      </section>
    </div>
  );
}

function Stat({ id, label, value, text, unit }: { id: string; label: string; value: number; text: string; unit?: string }) {
  return (
    <div className="stat" data-testid={id} data-value={String(value)}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">
        {text}
        {unit && <small> {unit}</small>}
      </span>
    </div>
  );
}
