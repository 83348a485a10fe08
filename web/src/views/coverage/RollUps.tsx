import { useMemo, useState } from "react";
import type { CoverageResult } from "../../analysis/coverage";
import { useI18n } from "../../i18n";
import { rollUp, type CompoundInfo } from "./model";

export interface Area {
  id: number;
  name: string;
  subdistrictId?: number | null;
}

/** Households covered by subdistrict or community, lowest share first; areas at 0% are listed too. */
export function RollUps({
  result,
  info,
  focus,
  subdistricts,
  communities,
  onReport,
}: {
  result: CoverageResult;
  info: Map<number, CompoundInfo>;
  focus: string | null;
  subdistricts: Area[];
  communities: Area[];
  onReport(subdistrictId: number): void;
}) {
  const { t, num, pct } = useI18n();
  const [level, setLevel] = useState<"subdistrict" | "community">("subdistrict");
  const rows = useMemo(
    () => rollUp(result, info, level === "subdistrict" ? subdistricts : communities, level, focus, t("rollup.unassigned")),
    [result, info, level, subdistricts, communities, focus, t],
  );
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
      </div>
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
            <tr key={String(r.id)} data-testid="rollup-row" data-share={r.share.toFixed(4)}>
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
