import { useEffect, useMemo, useState } from "react";
import type { CoverageResult } from "../../analysis/coverage";
import { useI18n } from "../../i18n";
import type { RegionLevel } from "../../map/style";
import { rollUp, rollUpColours, shareLegend, type CompoundInfo } from "./model";

/** A roll-up drawn on the map: each area of one level in its share's colour. */
export interface RegionColours {
  level: RegionLevel;
  colours: Map<number, string>;
}

export interface Area {
  id: number;
  name: string;
  subdistrictId?: number | null;
}

/**
 * Households covered by subdistrict or community, lowest share first; areas at 0% are listed too.
 * "On the map" colours the areas by their share (a choropleth under the compound outlines).
 */
export function RollUps({
  result,
  info,
  focus,
  subdistricts,
  communities,
  onReport,
  onRegions,
}: {
  result: CoverageResult;
  info: Map<number, CompoundInfo>;
  focus: string | null;
  subdistricts: Area[];
  communities: Area[];
  onReport(subdistrictId: number): void;
  /** The choropleth to draw, or undefined for none (also when the panel closes). */
  onRegions(regions: RegionColours | undefined): void;
}) {
  const { t, num, pct } = useI18n();
  const [level, setLevel] = useState<RegionLevel>("subdistrict");
  const [onMap, setOnMap] = useState(false);
  const rows = useMemo(
    () => rollUp(result, info, level === "subdistrict" ? subdistricts : communities, level, focus, t("rollup.unassigned")),
    [result, info, level, subdistricts, communities, focus, t],
  );
  useEffect(() => onRegions(onMap ? { level, colours: rollUpColours(rows) } : undefined), [onMap, level, rows, onRegions]);
  useEffect(() => () => onRegions(undefined), [onRegions]);
  return (
    <section className="rollups" data-testid="rollups">
      <h3>{focus ? t("rollup.titleFocus") : t("rollup.titleAll")}</h3>
      <div className="segmented" role="radiogroup">
        {(["subdistrict", "community"] as const).map((l) => (
          <label key={l}>
            <input type="radio" name="rollup-level" data-testid={`rollup-${l}`} checked={level === l} onChange={() => setLevel(l)} />
            {t(`rollup.${l}`)}
          </label>
        ))}
        <label>
          <input type="checkbox" data-testid="rollup-map" checked={onMap} onChange={(e) => setOnMap(e.target.checked)} />
          {t("rollup.onMap")}
        </label>
      </div>
      {onMap && (
        <ul className="ramp" data-testid="rollup-legend">
          {shareLegend().map((b) => (
            <li key={b.color} data-testid="rollup-legend-band">
              <span className="swatch" style={{ background: b.color }} />
              {b.to === 0 ? t("rollup.shareNone") : t("rollup.shareBand", { from: num(Math.round(b.from * 100)), to: num(Math.round(b.to * 100)) })}
            </li>
          ))}
        </ul>
      )}
      <table>
        <thead>
          <tr>
            <th>{t(`rollup.${level}`)}</th>
            <th>{t("rollup.compounds")}</th>
            <th>{t("rollup.households")}</th>
            <th>{focus ? t("rollup.share") : t("rollup.shareAll")}</th>
            {level === "subdistrict" && <th />}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.id)} data-testid="rollup-row" data-id={r.id ?? ""} data-share={r.share.toFixed(4)}>
              <td>{r.name}</td>
              <td className="num">{num(r.compounds)}</td>
              <td className="num">{num(r.households)}</td>
              <td className="num">
                <span className="bar" style={{ width: `${Math.round(r.share * 40)}px` }} />
                {pct(r.share)}
              </td>
              {level === "subdistrict" && (
                <td>
                  {r.id !== null && r.compounds > 0 && (
                    <button type="button" className="link" data-testid="report-open" onClick={() => onReport(r.id!)}>
                      {t("rollup.report")}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
