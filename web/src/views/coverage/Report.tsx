import type { CoverageResult } from "../../analysis/coverage";
import { PrintPage } from "../../components/PrintPage";
import { MissingNames } from "./GapTable";
import type { MapFrame } from "../../map/print-frame";
import { useI18n } from "../../i18n";
import type { StandardsProfile } from "../../api/resources";
import { CoverageLegend } from "./ColourBy";
import type { ColourMode } from "./overlay";
import { gapRows, rollUp, sortGapRows, type CompoundInfo } from "./model";

const MAX_ROWS = 14;

/**
 * One printable page for a subdistrict: the map as an image, coverage by category, its
 * communities, and its compounds with the largest gaps. Printed with the browser's print dialog.
 */
export function CoverageReport({
  subdistrict,
  map,
  outline,
  scenario,
  result,
  info,
  communities,
  categories,
  legend,
  onClose,
}: {
  subdistrict: { id: number; name: string };
  map: MapFrame | null;
  /** The subdistrict's boundary, drawn over the map. */
  outline: Array<Array<[number, number]>>;
  /** What the figures include: the scenario loaded (its name, null when unsaved) and its changes, none for the baseline. */
  scenario: { name: string | null; changes: string[] };
  result: CoverageResult;
  info: Map<number, CompoundInfo>;
  communities: Array<{ id: number; name: string; subdistrictId?: number | null }>;
  categories: Array<{ code: string; name: string; limitM: number }>;
  /** How the map is coloured (the live map's mode and category): the legend says the same. */
  legend: { mode: ColourMode; focus: string | null; standards: StandardsProfile | undefined };
  onClose(): void;
}) {
  const { t, num, pct } = useI18n();
  const inside = { ...result, compounds: result.compounds.filter((c) => info.get(c.id)?.subdistrictId === subdistrict.id) };
  const households = inside.compounds.reduce((s, c) => s + (info.get(c.id)?.households ?? 0), 0);
  const byCategory = categories
    .map((cat) => {
      const covered = inside.compounds.filter((c) => !c.missing.includes(cat.code)).reduce((s, c) => s + (info.get(c.id)?.households ?? 0), 0);
      return { ...cat, share: households ? covered / households : 0 };
    })
    .sort((a, b) => a.share - b.share);
  const comms = rollUp(
    inside,
    info,
    communities.filter((c) => c.subdistrictId === subdistrict.id),
    "community",
    null,
    t("rollup.unassigned"),
  );
  const gaps = sortGapRows(gapRows(inside, info, null), "households", true);
  const name = (code: string) => categories.find((c) => c.code === code)?.name ?? code;
  return (
    <PrintPage
      testId="coverage-report"
      title={t("report.title", { name: subdistrict.name })}
      subtitle={t("report.subtitle", { date: new Date().toLocaleDateString(), compounds: num(inside.compounds.length), households: num(households) })}
      map={map}
      outline={outline}
      mapAlt={t("report.mapAlt")}
      onClose={onClose}
    >
      <p
        className={scenario.changes.length ? "report-scenario warn" : "report-scenario"}
        data-testid="report-scenario"
        data-scenario={scenario.changes.length ? "scenario" : "baseline"}
      >
        {t("report.shows", {
          what: scenario.changes.length
            ? scenario.name
              ? t("report.scenario", { name: scenario.name, count: num(scenario.changes.length) })
              : t("report.scenarioUnsaved", { count: num(scenario.changes.length) })
            : t("report.baseline"),
        })}
        {scenario.changes.length > 0 && (
          <>
            <br />
            {t("report.changes", { changes: scenario.changes.join("；") })}
          </>
        )}
      </p>
      <div className="report-legend">
        <CoverageLegend {...legend} categoryName={name} testId="report-legend" />
      </div>
      <div className="report-columns">
        <section>
          <h2>{t("report.byCategory")}</h2>
          <table>
            <tbody>
              {byCategory.map((c) => (
                <tr key={c.code}>
                  <td>{c.name}</td>
                  <td className="num">≤{num(c.limitM)} m</td>
                  <td className="num">{pct(c.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h2>{t("report.communities")}</h2>
          <table>
            <thead>
              <tr>
                <th>{t("rollup.community")}</th>
                <th>{t("rollup.households")}</th>
                <th>{t("report.fullyCovered")}</th>
              </tr>
            </thead>
            <tbody>
              {comms.map((r) => (
                <tr key={String(r.id)} data-testid="report-community">
                  <td>{r.name}</td>
                  <td className="num">{num(r.households)}</td>
                  <td className="num">{pct(r.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t("report.gaps", { count: num(gaps.length) })}</h2>
          <table>
            <thead>
              <tr>
                <th>{t("gap.compound")}</th>
                <th>{t("gap.households")}</th>
                <th>{t("gap.missing")}</th>
              </tr>
            </thead>
            <tbody>
              {gaps.slice(0, MAX_ROWS).map((r) => (
                <tr key={r.id} data-testid="report-gap">
                  <td>{r.name}</td>
                  <td className="num">{num(r.households)}</td>
                  <td className="small">
                    <MissingNames codes={r.missing} categoryName={name} k={4} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {gaps.length > MAX_ROWS && <p className="note">{t("report.more", { count: num(gaps.length - MAX_ROWS) })}</p>}
        </section>
      </div>
      <footer>
        {t("report.footer")}
        <br />
        <span data-testid="report-source">{t("report.source", { source: t("map.attribution"), date: new Date().toLocaleDateString() })}</span>
      </footer>
    </PrintPage>
  );
}
