import type { ProgressRow } from "../api/resources";
import { useI18n } from "../i18n";
import { STATUS_COLORS } from "../map/palette";

/** Bars per plan year: listed (light) with the completed part (solid); click a bar to pick the year. */
export function YearChart({ years, selected, onSelect }: { years: ProgressRow[]; selected: number | null; onSelect(year: number): void }) {
  const { t, num } = useI18n();
  const max = Math.max(1, ...years.map((y) => y.planned));
  const w = 300;
  const h = 130;
  const pad = { top: 14, bottom: 22, left: 6, right: 6 };
  const bw = (w - pad.left - pad.right) / Math.max(1, years.length);
  const y = (v: number) => pad.top + (h - pad.top - pad.bottom) * (1 - v / max);
  return (
    <figure className="chart">
      <figcaption>{t("progress.chartTitle")}</figcaption>
      <svg data-testid="year-chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={t("progress.chartTitle")}>
        {years.map((row, i) => {
          const x = pad.left + i * bw + bw * 0.15;
          const active = selected === row.planYear;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG bar cannot be a <button>; it takes focus and Enter/Space like one
            <g
              key={row.planYear}
              data-testid="year-bar"
              className={active ? "bar active" : "bar"}
              role="button"
              tabIndex={0}
              aria-pressed={active}
              onClick={() => row.planYear && onSelect(row.planYear)}
              onKeyDown={(e) => {
                if ((e.key === "Enter" || e.key === " ") && row.planYear) {
                  e.preventDefault();
                  onSelect(row.planYear);
                }
              }}
            >
              <title>{`${row.planYear}: ${t("progress.chartPlanned")} ${row.planned}, ${t("progress.chartCompleted")} ${row.completed}`}</title>
              <rect x={x} y={y(row.planned)} width={bw * 0.7} height={y(0) - y(row.planned)} fill={STATUS_COLORS.planned} opacity={0.35} />
              <rect x={x} y={y(row.completed)} width={bw * 0.7} height={y(0) - y(row.completed)} fill={STATUS_COLORS.accepted} />
              <text x={x + bw * 0.35} y={y(row.planned) - 3} textAnchor="middle" className="bar-value">
                {num(row.planned)}
              </text>
              <text x={x + bw * 0.35} y={h - 7} textAnchor="middle" className={active ? "bar-label active" : "bar-label"}>
                {row.planYear}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="chart-key">
        <span>
          <i style={{ background: STATUS_COLORS.planned, opacity: 0.35 }} />
          {t("progress.chartPlanned")}
        </span>
        <span>
          <i style={{ background: STATUS_COLORS.accepted }} />
          {t("progress.chartCompleted")}
        </span>
      </div>
    </figure>
  );
}
