import type { StandardsProfile } from "../../api/resources";
import { useI18n } from "../../i18n";
import { CHANGE_COLORS } from "../../map/palette";
import { distanceLegend, scoreLegend } from "./model";
import type { ColourMode } from "./overlay";

/**
 * How compounds are coloured: by score, (with a focused category) by distance, or (with a
 * scenario) by what the scenario changes; the focused category, and the legend of the colours in
 * use. Clearing the focus leaves the distance mode for the score.
 */
export function ColourBy({
  mode,
  onMode,
  canCompare,
  focus,
  onFocus,
  standards,
  catLabel,
  categoryName,
}: {
  mode: ColourMode;
  onMode(mode: ColourMode): void;
  /** A scenario with changes is loaded: the change mode is offered. */
  canCompare: boolean;
  focus: string | null;
  onFocus(code: string | null): void;
  /** The profile: its categories, their limits and the walking speed the legend's minutes use. */
  standards: StandardsProfile | undefined;
  catLabel(code: string): string;
  categoryName(code: string): string;
}) {
  const categories = standards?.categories ?? [];
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
      <label>
        <input type="radio" name="cov-mode" data-testid="mode-change" checked={mode === "change"} disabled={!canCompare} onChange={() => onMode("change")} />
        {t("cov.byChange")}
      </label>
      <select
        data-testid="focus-category"
        aria-label={t("cov.focus")}
        value={focus ?? ""}
        onChange={(e) => {
          onFocus(e.target.value || null);
          if (!e.target.value && mode === "distance") onMode("score");
        }}
      >
        <option value="">{t("cov.allCategories")}</option>
        {categories.map((c) => (
          <option key={c.code} value={c.code}>
            {catLabel(c.code)}
          </option>
        ))}
      </select>
      <CoverageLegend mode={mode} focus={focus} standards={standards} categoryName={categoryName} />
    </section>
  );
}

/**
 * The colours in use, in real units: with a chosen category, covered or not, or its distance bands
 * in metres and walking minutes (its limit × 1, 1.5, 2 at the profile's walking speed); without
 * one, the score bands as categories reached.
 */
export function CoverageLegend({
  mode,
  focus,
  standards,
  categoryName,
  testId = "coverage-legend",
}: {
  mode: ColourMode;
  focus: string | null;
  standards: StandardsProfile | undefined;
  categoryName(code: string): string;
  testId?: string;
}) {
  const { t, num } = useI18n();
  if (mode === "change") {
    const what = focus ? categoryName(focus) : t("cov.anyCategory");
    return (
      <>
        <p className="note legend-title">{t("cov.changeLegendTitle")}</p>
        <ul className="ramp" data-testid={testId}>
          {(["gained", "lost", "unchanged"] as const).map((k) => (
            <li key={k} data-testid="coverage-legend-band">
              <span className="swatch" style={{ background: CHANGE_COLORS[k] }} />
              {t(`cov.change.${k}`, { category: what })}
            </li>
          ))}
        </ul>
      </>
    );
  }
  const bands = focus && standards ? distanceLegend(standards, focus) : undefined;
  if (!focus || !bands)
    return (
      <>
        <p className="note legend-title">{t("cov.scoreLegendTitle")}</p>
        <ul className="ramp" data-testid={testId}>
          <ScoreLegendItems count={standards?.categories.length ?? 0} />
        </ul>
      </>
    );
  const [within, ...farther] = bands;
  const metres = (m: number) => num(Math.round(m));
  const items =
    mode === "distance"
      ? bands.map((b, i) => ({
          color: b.color,
          label:
            i < bands.length - 1 ? t("cov.bandWithin", { metres: metres(b.toM), minutes: num(b.minutes) }) : t("cov.bandBeyond", { metres: metres(b.fromM) }),
        }))
      : [
          { color: within.color, label: t("cov.coveredWithin", { metres: metres(within.toM), minutes: num(within.minutes) }) },
          { color: farther[farther.length - 1].color, label: t("cov.notCoveredBeyond", { metres: metres(within.toM) }) },
        ];
  return (
    <>
      <p className="note legend-title">
        {t("cov.distanceLegendTitle", { category: categoryName(focus), speed: num(standards?.walkSpeedsMps?.default ?? 1, 1) })}
      </p>
      <ul className="ramp" data-testid={testId}>
        {items.map((b) => (
          <li key={b.label} data-testid="coverage-legend-band">
            <span className="swatch" style={{ background: b.color }} />
            {b.label}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The score bands as legend rows (categories reached of `count`), best first; also on the printed report. */
export function ScoreLegendItems({ count }: { count: number }) {
  const { t, num } = useI18n();
  return (
    <>
      {scoreLegend(count).map((b) => (
        <li key={b.color} data-testid="coverage-legend-band">
          <span className="swatch" style={{ background: b.color }} />
          {b.toCount === 0
            ? t("cov.scoreNone")
            : b.fromCount === b.of
              ? t("cov.scoreAll", { of: num(b.of) })
              : b.fromCount === b.toCount
                ? t("cov.scoreOne", { count: num(b.fromCount), of: num(b.of) })
                : t("cov.scoreBand", { from: num(b.fromCount), to: num(b.toCount), of: num(b.of) })}
        </li>
      ))}
    </>
  );
}
