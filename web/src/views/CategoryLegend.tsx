import type { StandardsProfile } from "../api/resources";
import { useI18n, type MessageKey } from "../i18n";
import { CATEGORY_MARKS, CIRCLE_COLORS } from "../map/palette";

/** Facility categories of the standards profile, grouped by living circle, with their map marks. */
export function CategoryLegend({ standards, counts }: { standards: StandardsProfile; counts: Record<string, number> }) {
  const { t, lang, num } = useI18n();
  const circles = ["5min", "10min", "15min", "block"] as const;
  return (
    <div className="category-legend" data-testid="category-legend">
      {circles.map((circle) => {
        const cats = standards.categories.filter((c) => c.circle === circle);
        if (!cats.length) return null;
        return (
          <section key={circle}>
            <h4>{t(`coverage.circle.${circle}` as MessageKey)}</h4>
            <ul>
              {cats.map((c) => (
                <li key={c.code} data-testid="category-legend-item" title={c.clause}>
                  <span className="mark" style={{ background: CIRCLE_COLORS[circle] }}>
                    {CATEGORY_MARKS[c.code] ?? c.nameZh.slice(0, 1)}
                  </span>
                  <span className="name">{lang === "zh-CN" ? c.nameZh : c.nameEn}</span>
                  <span className="count">{t("coverage.count", { count: num(counts[c.code] ?? 0) })}</span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
