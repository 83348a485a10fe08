import { useMemo, useState } from "react";
import type { CoverageResult } from "../../analysis/coverage";
import { Empty } from "../../components/States";
import { useI18n } from "../../i18n";
import { download, gapCsv, gapGeoJson, gapRows, sortGapRows, type CompoundInfo, type DistanceStatus, type GapSortKey } from "./model";

const PAGE = 100;

/** The missing categories by name, the first `k` of them and how many more ("幼儿园、药店、菜市场 等 9 类"). */
export function MissingNames({ codes, categoryName, k = 3 }: { codes: string[]; categoryName(code: string): string; k?: number }) {
  const { t } = useI18n();
  const names = codes.slice(0, k).map(categoryName).join("、");
  return <>{codes.length > k ? t("gap.missingMore", { names, count: codes.length }) : names}</>;
}

/** Compounds missing facilities: sortable, filterable, each row zooms to its compound; exports CSV and GeoJSON. */
export function GapTable({
  result,
  info,
  focus,
  categoryName,
  subdistricts,
  onZoom,
}: {
  result: CoverageResult;
  info: Map<number, CompoundInfo>;
  focus: string | null;
  categoryName(code: string): string;
  subdistricts: Array<{ id: number; name: string }>;
  onZoom(id: number): void;
}) {
  const { t, num } = useI18n();
  const [sort, setSort] = useState<{ key: GapSortKey; desc: boolean }>({ key: "households", desc: true });
  const [subdistrict, setSubdistrict] = useState<string>("");
  const [text, setText] = useState("");
  const [shown, setShown] = useState(PAGE);
  const rows = useMemo(() => {
    const all = gapRows(result, info, focus).filter(
      (r) => (!subdistrict || String(info.get(r.id)?.subdistrictId ?? "") === subdistrict) && (!text || r.name.includes(text.trim())),
    );
    return sortGapRows(all, sort.key, sort.desc);
  }, [result, info, focus, subdistrict, text, sort]);
  const households = rows.reduce((s, r) => s + r.households, 0);
  const header = (key: GapSortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : "none"}>
      <button type="button" data-testid={`gap-sort-${key}`} onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== "name" }))}>
        {label}
        {sort.key === key ? (sort.desc ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
  const exportName = `gaps-${focus ?? "all"}`;
  const statusLabel = (s: DistanceStatus) => (s === "absent" ? t("gap.absent") : s === "noAccess" ? t("gap.noAccess") : t("gap.unreachable"));
  const csvHeaders = [
    t("gap.csv.id"),
    t("gap.csv.name"),
    t("gap.csv.subdistrict"),
    t("gap.csv.community"),
    t("gap.csv.households"),
    t("gap.csv.score"),
    t("gap.csv.missing"),
    t("gap.csv.distance"),
  ];
  return (
    <section className="gap-table" data-testid="gap-table">
      <h3>{focus ? t("gap.titleFor", { category: categoryName(focus) }) : t("gap.title")}</h3>
      <div className="filters">
        <select aria-label={t("gap.subdistrict")} data-testid="gap-subdistrict" value={subdistrict} onChange={(e) => setSubdistrict(e.target.value)}>
          <option value="">{t("gap.allSubdistricts")}</option>
          {subdistricts.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder={t("gap.filterName")}
          aria-label={t("gap.filterName")}
          data-testid="gap-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <p className="note" data-testid="gap-summary" data-compounds={rows.length} data-households={households}>
        {t("gap.summary", { compounds: num(rows.length), households: num(households) })}
      </p>
      <div className="exports">
        <button
          type="button"
          data-testid="gap-export-csv"
          disabled={!rows.length}
          onClick={() => download(`${exportName}.csv`, gapCsv(rows, csvHeaders, categoryName, statusLabel), "text/csv;charset=utf-8")}
        >
          {t("gap.exportCsv")}
        </button>
        <button
          type="button"
          data-testid="gap-export-geojson"
          disabled={!rows.length}
          onClick={() => download(`${exportName}.geojson`, JSON.stringify(gapGeoJson(rows, info)), "application/geo+json")}
        >
          {t("gap.exportGeoJson")}
        </button>
      </div>
      {rows.length === 0 ? (
        <Empty text={t("gap.none")} />
      ) : (
        <table>
          <thead>
            <tr>
              {header("name", t("gap.compound"))}
              {header("missing", t("gap.missing"))}
              {header("households", t("gap.households"))}
              {focus ? header("distanceM", t("gap.distance")) : header("score", t("gap.score"))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, shown).map((r) => (
              <tr
                key={r.id}
                data-testid="gap-row"
                data-id={r.id}
                onClick={() => onZoom(r.id)}
                tabIndex={0}
                onKeyDown={(e) => {
                  if (e.key === "Enter") onZoom(r.id);
                }}
              >
                <td>
                  {r.name}
                  <small>{r.subdistrict ?? ""}</small>
                </td>
                <td title={r.missing.map(categoryName).join("、")}>
                  {focus ? categoryName(focus) : <MissingNames codes={r.missing} categoryName={categoryName} />}
                </td>
                <td className="num">{num(r.households)}</td>
                <td className="num" data-status={r.distanceStatus}>
                  {focus ? (r.distanceStatus === "measured" ? `${num(r.distanceM)} m` : statusLabel(r.distanceStatus)) : `${num(r.score * 100)}%`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > shown && (
        <button type="button" className="more" onClick={() => setShown((n) => n + PAGE)}>
          {t("gap.more", { count: num(rows.length - shown) })}
        </button>
      )}
    </section>
  );
}
