import type { StandardsProfile } from "../../api/resources";
import { useI18n } from "../../i18n";
import { DISTANCE_BANDS, scoreColor } from "./model";
import type { ColourMode } from "./overlay";

/**
 * How compounds are coloured: by score or (with a focused category) by distance, the focused
 * category, and the legend of the colours in use. Clearing the focus goes back to the score.
 */
export function ColourBy({
  mode,
  onMode,
  focus,
  onFocus,
  categories,
  catLabel,
}: {
  mode: ColourMode;
  onMode(mode: ColourMode): void;
  focus: string | null;
  onFocus(code: string | null): void;
  categories: StandardsProfile["categories"];
  catLabel(code: string): string;
}) {
  const { t } = useI18n();
  return (
    <section className="colour-by">
      <h3>{t("cov.colourBy")}</h3>
      <label>
        <input type="radio" name="cov-mode" data-testid="mode-score" checked={mode === "score"} onChange={() => onMode("score")} />
        {t("cov.byScore")}
      </label>
      <label>
        <input type="radio" name="cov-mode" data-testid="mode-distance" checked={mode === "distance"} disabled={!focus} onChange={() => onMode("distance")} />
        {t("cov.byDistance")}
      </label>
      <select
        data-testid="focus-category"
        aria-label={t("cov.focus")}
        value={focus ?? ""}
        onChange={(e) => {
          onFocus(e.target.value || null);
          if (!e.target.value) onMode("score");
        }}
      >
        <option value="">{t("cov.allCategories")}</option>
        {categories.map((c) => (
          <option key={c.code} value={c.code}>
            {catLabel(c.code)}
          </option>
        ))}
      </select>
      <Legend mode={mode} focus={focus} />
    </section>
  );
}

/** The colours in use: distance bands, covered or not, or score steps. */
function Legend({ mode, focus }: { mode: ColourMode; focus: string | null }) {
  const { t, num } = useI18n();
  return (
    <ul className="ramp" data-testid="coverage-legend">
      {mode === "distance" && focus
        ? DISTANCE_BANDS.map((b) => (
            <li key={b.upTo}>
              <span className="swatch" style={{ background: b.color }} />
              {Number.isFinite(b.upTo) ? t("cov.within", { factor: b.upTo }) : t("cov.beyond")}
            </li>
          ))
        : focus
          ? [
              <li key="y">
                <span className="swatch" style={{ background: scoreColor(1) }} />
                {t("cov.covered")}
              </li>,
              <li key="n">
                <span className="swatch" style={{ background: scoreColor(0) }} />
                {t("cov.notCovered")}
              </li>,
            ]
          : [1, 0.85, 0.7, 0.5, 0].map((s) => (
              <li key={s}>
                <span className="swatch" style={{ background: scoreColor(s) }} />
                {t("cov.scoreAtMost", { score: num(s * 100) })}
              </li>
            ))}
    </ul>
  );
}
