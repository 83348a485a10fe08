import { useI18n } from "../i18n";
import { STATUS_COLORS, STATUSES } from "../map/palette";

export function StatusLegend({ counts }: { counts?: Record<string, number> }) {
  const { t, num } = useI18n();
  return (
    <section className="legend" data-testid="legend" aria-label={t("progress.legend")}>
      <h3>{t("progress.legend")}</h3>
      <ul>
        {STATUSES.map((s) => (
          <li key={s} data-testid="legend-item">
            <span className="swatch" style={{ background: STATUS_COLORS[s] }} />
            {t(`status.${s}`)}
            {counts && <span className="count">{num(counts[s] ?? 0)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
