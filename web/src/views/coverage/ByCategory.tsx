import type { SessionCoverage } from "../../analysis/session";
import { useI18n } from "../../i18n";

/**
 * Share of households covered per category, with the scenario's gain or loss (or, without a
 * scenario, the households not covered). Clicking a row focuses its category; again, unfocuses.
 */
export function ByCategory({
  result,
  focus,
  onFocus,
  categoryName,
}: {
  result: SessionCoverage;
  focus: string | null;
  onFocus(code: string | null): void;
  categoryName(code: string): string;
}) {
  const { t, num, pct } = useI18n();
  return (
    <section className="by-category" data-testid="coverage-by-category">
      <h3>{t("cov.byCategory")}</h3>
      <table>
        <tbody>
          {result.byCategory.map((c) => {
            const gain = result.changes?.byCategory.find((x) => x.code === c.code);
            return (
              <tr
                key={c.code}
                data-testid="category-row"
                data-code={c.code}
                data-share={c.share.toFixed(4)}
                className={focus === c.code ? "active" : ""}
                onClick={() => onFocus(focus === c.code ? null : c.code)}
              >
                <td>{categoryName(c.code)}</td>
                <td className="num">
                  <span className="bar" style={{ width: `${Math.round(c.share * 50)}px` }} />
                  {pct(c.share)}
                </td>
                <td className="num small">
                  {gain ? (
                    <span className={gain.gainedHouseholds >= gain.lostHouseholds ? "gain" : "loss"}>
                      {gain.gainedHouseholds ? `+${num(gain.gainedHouseholds)}` : ""}
                      {gain.lostHouseholds ? ` −${num(gain.lostHouseholds)}` : ""}
                    </span>
                  ) : (
                    t("cov.uncovered", { households: num(c.totalHouseholds - c.coveredHouseholds) })
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
