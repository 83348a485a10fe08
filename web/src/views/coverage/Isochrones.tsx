import type { IsochroneSummary } from "../../analysis/session";
import { useI18n } from "../../i18n";
import { ISOCHRONE_COLORS } from "../../map/palette";

/** Walking-time bands (5/10/15 minutes at the profile's walking speed) with what they reach. */
export const ISOCHRONE_MINUTES = [5, 10, 15];

export function IsochroneResults({ bands, facilityName, onClear }: { bands: IsochroneSummary[]; facilityName(id: number): string; onClear(): void }) {
  const { t, num } = useI18n();
  return (
    <div className="isochrone-results" data-testid="isochrone-results">
      <table>
        <thead>
          <tr>
            <th>{t("iso.band")}</th>
            <th>{t("iso.area")}</th>
            <th>{t("iso.households")}</th>
            <th>{t("iso.facilities")}</th>
          </tr>
        </thead>
        <tbody>
          {bands.map((b, i) => (
            <tr key={b.limitM} data-testid="isochrone-band" data-households={b.households} data-area={Math.round(b.areaM2)}>
              <td>
                <span className="swatch" style={{ background: ISOCHRONE_COLORS[i] }} />
                {t("iso.minutes", { minutes: ISOCHRONE_MINUTES[i] ?? "?", metres: num(b.limitM) })}
              </td>
              <td className="num">{num(b.areaM2 / 1e6, 2)} km²</td>
              <td className="num">
                {num(b.households)}
                <small>{t("iso.compounds", { count: num(b.compoundIds.length) })}</small>
              </td>
              <td className="num" title={b.facilityIds.map(facilityName).join("、")}>
                {num(b.facilityIds.length)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{t("iso.facilityList")}</summary>
        <ul className="facility-list">
          {bands[bands.length - 1]?.facilityIds.map((id) => (
            <li key={id}>{facilityName(id)}</li>
          ))}
        </ul>
      </details>
      <button type="button" className="link" onClick={onClear}>
        {t("iso.clear")}
      </button>
    </div>
  );
}
