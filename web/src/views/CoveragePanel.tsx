import { useEffect, useMemo, useState } from "react";
import type { ApiState } from "../api/client";
import type { Amenities, Compounds, Gates, Layer, StandardsProfile } from "../api/resources";
import { useSession } from "../api/session";
import { geodesicM } from "../analysis/geo";
import type { IsochroneSummary, SessionCoverage } from "../analysis/session";
import type { SiteProposal } from "../analysis/siting";
import { NO_CHANGES, type ScenarioChanges } from "../analysis/whatif";
import { ErrorBox, Loading } from "../components/States";
import { useI18n, type MessageKey } from "../i18n";
import { CATEGORY_MARKS } from "../map/palette";
import { CategoryLegend } from "./CategoryLegend";
import { GapTable } from "./coverage/GapTable";
import { ISOCHRONE_MINUTES, IsochroneResults } from "./coverage/Isochrones";
import { DISTANCE_BANDS, boundsOf, distanceColor, scoreColor, type CompoundInfo } from "./coverage/model";
import { CoverageReport } from "./coverage/Report";
import { RollUps, type Area } from "./coverage/RollUps";
import { Scenarios, type Scenario } from "./coverage/Scenarios";
import type { AnalysisState } from "./coverage/useAnalysis";

type FC = { type: "FeatureCollection"; features: unknown[] };

export interface CoveragePanelProps {
  standards: ApiState<StandardsProfile>;
  amenities: ApiState<Amenities>;
  compounds: ApiState<Compounds>;
  gates: ApiState<Gates>;
  subdistricts: ApiState<Layer>;
  communities: ApiState<Layer>;
  selectedId: number | null;
  onZoomTo(id: number): void;
  requestPick(what: string): Promise<[number, number] | null>;
  onOverlay(fc: FC | undefined): void;
  onColors(colours: Map<number, string> | undefined): void;
  /** Show a region on the map and return the drawn map as an image (data URL). */
  captureMap(bounds: [number, number, number, number]): Promise<string | null>;
  /** The analysis worker (shared with the planner view). */
  analysis: AnalysisState;
}

let changeSeq = 0;
const newKey = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(changeSeq++).toString(36)}`;

/**
 * Bureau staff's view: walking coverage of every compound against the standards profile, the
 * gaps, district roll-ups, isochrones, what-if scenarios and suggested sites.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the coverage panel's sections (what-if, siting, isochrones, gap table, roll-ups) share its result; issue 15 reworks them
export function CoveragePanel(p: CoveragePanelProps) {
  const { t, lang, num, pct } = useI18n();
  const { user } = useSession();
  const { analysis } = p;
  const categories = p.standards.data?.categories ?? [];
  const categoryName = (code: string) => {
    const c = categories.find((x) => x.code === code);
    return c ? (lang === "zh-CN" ? c.nameZh : c.nameEn) : code;
  };
  const [focus, setFocus] = useState<string | null>(null);
  const [mode, setMode] = useState<"score" | "distance">("score");
  const [changes, setChanges] = useState<ScenarioChanges>(NO_CHANGES);
  const [scenario, setScenario] = useState<Scenario | null>(null);
  const [result, setResult] = useState<SessionCoverage | undefined>();
  const [computing, setComputing] = useState(false);
  const [iso, setIso] = useState<{ origin: [number, number] | null; bands: IsochroneSummary[] } | null>(null);
  const [sites, setSites] = useState<{ category: string; proposals: SiteProposal[] } | null>(null);
  const [siteCategory, setSiteCategory] = useState("kindergarten");
  const [siteK, setSiteK] = useState(3);
  const [addCategory, setAddCategory] = useState("kindergarten");
  const [report, setReport] = useState<{ subdistrict: Area; image: string | null } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [taskError, setTaskError] = useState<string | null>(null);

  const info = useMemo(
    () =>
      new Map<number, CompoundInfo>(
        (p.compounds.data?.features ?? []).map((f) => [
          f.properties.id,
          {
            id: f.properties.id,
            name: f.properties.name,
            households: f.properties.households,
            subdistrictId: f.properties.subdistrictId,
            subdistrict: f.properties.subdistrict,
            communityId: f.properties.communityId,
            community: f.properties.community,
            geometry: f.geometry,
          },
        ]),
      ),
    [p.compounds.data],
  );
  const subdistricts = useMemo<Area[]>(
    () => (p.subdistricts.data?.features ?? []).map((f) => ({ id: Number(f.properties.id), name: String(f.properties.name) })),
    [p.subdistricts.data],
  );
  const communities = useMemo<Area[]>(
    () =>
      (p.communities.data?.features ?? []).map((f) => ({
        id: Number(f.properties.id),
        name: String(f.properties.name),
        subdistrictId: f.properties.subdistrictId as number | null,
      })),
    [p.communities.data],
  );
  const amenityById = useMemo(() => new Map((p.amenities.data?.features ?? []).map((a) => [a.properties.id, a])), [p.amenities.data]);

  // Recompute in the worker whenever the scenario's changes do (or the worker's baseline is rebuilt).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new baseline (after an edit) is a trigger, though not read here
  useEffect(() => {
    if (analysis.status !== "ready") return;
    let live = true;
    setComputing(true);
    analysis
      .call<SessionCoverage>({ type: "coverage", changes })
      .then(
        (r) => {
          if (live) {
            setResult(r);
            setTaskError(null);
          }
        },
        (e: Error) => {
          if (live) setTaskError(e.message);
        },
      )
      .finally(() => {
        if (live) setComputing(false);
      });
    return () => {
      live = false;
    };
  }, [analysis.status, analysis.call, changes, analysis.baseline]);

  // Colours on the map.
  const { onColors, onOverlay } = p;
  useEffect(() => {
    if (!result) {
      onColors(undefined);
      return;
    }
    const limit = categories.find((c) => c.code === focus)?.limitM ?? 300;
    onColors(
      new Map(
        result.compounds.map((c) => [
          c.id,
          mode === "distance" && focus
            ? distanceColor(c.distanceM[focus] ?? Infinity, limit)
            : scoreColor(focus ? (c.missing.includes(focus) ? 0 : 1) : c.score),
        ]),
      ),
    );
  }, [result, mode, focus, categories, onColors]);
  useEffect(
    () => () => {
      onColors(undefined);
      onOverlay(undefined);
    },
    [onColors, onOverlay],
  );

  // Isochrones, proposed changes and suggested sites on the map.
  useEffect(() => {
    const features: unknown[] = [];
    iso?.bands
      .slice()
      .reverse()
      .forEach((b) => {
        const band = iso.bands.indexOf(b);
        features.push({ type: "Feature", geometry: b.polygon, properties: { layer: "isochrone", band, limitM: b.limitM } });
      });
    if (iso?.origin) features.push({ type: "Feature", geometry: { type: "Point", coordinates: iso.origin }, properties: { layer: "origin" } });
    for (const c of changes.facilities) {
      const existing = c.amenityId !== undefined ? amenityById.get(c.amenityId) : undefined;
      const category = c.category ?? existing?.properties.category ?? "";
      if (existing && (c.action === "remove" || c.action === "move")) {
        features.push({ type: "Feature", geometry: existing.geometry, properties: { layer: "removed", mark: c.action === "remove" ? "×" : "↦" } });
      }
      if (c.lonLat)
        features.push({
          type: "Feature",
          geometry: { type: "Point", coordinates: c.lonLat },
          properties: { layer: "proposed", key: c.key, mark: CATEGORY_MARKS[category] ?? "+" },
        });
    }
    for (const g of changes.gates)
      features.push({ type: "Feature", geometry: { type: "Point", coordinates: g.lonLat }, properties: { layer: "gate", key: g.key } });
    sites?.proposals.forEach((s, i) => {
      features.push({
        type: "Feature",
        geometry: { type: "Point", coordinates: s.lonLat },
        properties: { layer: "site", mark: String(i + 1), gain: s.gainHouseholds },
      });
    });
    onOverlay({ type: "FeatureCollection", features });
  }, [iso, changes, sites, amenityById, onOverlay]);

  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      setTaskError(null);
      return await fn();
    } catch (e) {
      setTaskError((e as Error).message);
      return undefined;
    }
  };
  const isoFrom = (from: { lonLat: [number, number] } | { compoundId: number }, origin: [number, number] | null) =>
    run(async () => {
      const speed = p.standards.data?.walkSpeedsMps?.default ?? 1;
      const bands = await analysis.call<IsochroneSummary[] | null>({ type: "isochrone", from, limitsM: ISOCHRONE_MINUTES.map((m) => m * 60 * speed), changes });
      if (!bands) setMessage(t("iso.offNetwork"));
      else {
        setMessage(null);
        setIso({ origin, bands });
      }
    });
  const isoFromPoint = async () => {
    const pt = await p.requestPick(t("iso.pickPoint"));
    if (pt) await isoFrom({ lonLat: pt }, pt);
  };

  const nearestAmenity = (pt: [number, number]) => {
    let best: { id: number; d: number } | null = null;
    for (const a of amenityById.values()) {
      const d = geodesicM(pt, a.geometry.coordinates as [number, number]);
      if (d < 60 && (!best || d < best.d)) best = { id: a.properties.id, d };
    }
    return best?.id;
  };
  const addChange = (c: ScenarioChanges["facilities"][number]) =>
    setChanges((s) => ({
      ...s,
      facilities: [...s.facilities.filter((x) => c.amenityId === undefined || x.amenityId !== c.amenityId), c],
    }));
  const proposeFacility = async () => {
    const pt = await p.requestPick(t("whatif.pickNew", { category: categoryName(addCategory) }));
    if (pt) addChange({ key: newKey("add"), action: "add", category: addCategory, lonLat: pt });
  };
  const moveOrRemove = async (action: "move" | "remove") => {
    const pt = await p.requestPick(t("whatif.pickExisting"));
    if (!pt) return;
    const id = nearestAmenity(pt);
    if (id === undefined) {
      setMessage(t("whatif.noFacilityHere"));
      return;
    }
    setMessage(null);
    if (action === "remove") {
      addChange({ key: newKey("remove"), action, amenityId: id });
      return;
    }
    const to = await p.requestPick(t("whatif.pickDestination"));
    if (to) addChange({ key: newKey("move"), action, amenityId: id, lonLat: to });
  };
  const proposeGate = async () => {
    if (p.selectedId === null) {
      setMessage(t("whatif.selectCompoundFirst"));
      return;
    }
    const compoundId = p.selectedId;
    const pt = await p.requestPick(t("whatif.pickGate"));
    if (pt) setChanges((s) => ({ ...s, gates: [...s.gates, { key: newKey("gate"), action: "add", compoundId, lonLat: pt }] }));
  };
  const dropChange = (key: string) =>
    setChanges((s) => ({ facilities: s.facilities.filter((c) => c.key !== key), gates: s.gates.filter((g) => g.key !== key) }));
  const suggest = () =>
    run(async () => {
      const proposals = await analysis.call<SiteProposal[]>({ type: "site", category: siteCategory, k: siteK, changes });
      setSites({ category: siteCategory, proposals });
    });
  const openReport = (id: number) =>
    run(async () => {
      const sub = subdistricts.find((s) => s.id === id);
      const ids = [...info.values()].filter((c) => c.subdistrictId === id).map((c) => c.id);
      const bounds = boundsOf(ids, info);
      if (!sub || !bounds) return;
      setReport({ subdistrict: sub, image: await p.captureMap(bounds) });
    });

  const changeCount = changes.facilities.length + changes.gates.length;
  const loadingInputs = [p.standards, p.amenities, p.compounds, p.gates].some((s) => s.isLoading);
  const inputErrors = Object.entries({
    standards: p.standards,
    amenities: p.amenities,
    gates: p.gates,
    subdistricts: p.subdistricts,
    communities: p.communities,
  }).filter(([, s]) => s.error);
  const counts: Record<string, number> = {};
  for (const a of p.amenities.data?.features ?? []) counts[a.properties.category] = (counts[a.properties.category] ?? 0) + 1;
  const byCircle = result?.byCircle ?? [];
  // What the figures rest on: households that are estimates (or missing), access that is assumed.
  const householdNotes = { estimated: 0, unknown: 0, assumed: 0 };
  for (const f of p.compounds.data?.features ?? []) {
    if (f.properties.householdsSource === "estimated") householdNotes.estimated++;
    if (f.properties.householdsSource === "unknown" || f.properties.households === 0) householdNotes.unknown++;
    if (f.properties.access === "assumed" || f.properties.access === "open") householdNotes.assumed++;
  }
  const catLabel = (code: string) => `${categoryName(code)}（≤${categories.find((c) => c.code === code)?.limitM ?? "?"} m）`;

  return (
    <div className="panel coverage" data-testid="coverage-panel" data-status={analysis.status} data-computing={computing ? "true" : "false"}>
      <h2>{t("coverage.title")}</h2>
      <p className="hint">{t("coverage.intro")}</p>
      {inputErrors.map(([input, s]) => (
        <ErrorBox key={input} error={s.error!} onRetry={s.reload} />
      ))}
      {(loadingInputs || analysis.status === "loading") && (
        <div data-testid="coverage-loading">
          <Loading />
          <p className="note">{t("cov.loadingNetwork")}</p>
        </div>
      )}
      {analysis.status === "error" && (
        <div className="state error" role="alert" data-testid="error">
          {t("cov.engineError", { message: analysis.error ?? "" })}
        </div>
      )}
      {taskError && (
        <div className="state error" role="alert" data-testid="error">
          {t("cov.engineError", { message: taskError })}
        </div>
      )}
      {message && (
        <p className="note warn" role="status" data-testid="coverage-message">
          {message}
        </p>
      )}
      {analysis.status === "ready" && result && (
        <>
          <p className="note" data-testid="coverage-meta">
            {t("cov.meta", { nodes: num(analysis.nodeCount ?? 0), edges: num(analysis.edgeCount ?? 0), ms: num(analysis.ms ?? 0) })}
          </p>
          {result.unattachedCompounds.length > 0 && (
            <p className="note warn" data-testid="coverage-unattached">
              {t("cov.unattached", { count: num(result.unattachedCompounds.length), households: num(result.noAccessHouseholds) })}
            </p>
          )}
          {result.isolatedCompounds.length > 0 && (
            <p className="note warn" data-testid="coverage-isolated">
              {t("cov.isolated", { count: num(result.isolatedCompounds.length) })}
            </p>
          )}
          {result.absentCategories.length > 0 && (
            <p className="note warn" data-testid="coverage-absent">
              {t("cov.absent", { categories: result.absentCategories.map(categoryName).join("、") })}
            </p>
          )}
          {householdNotes.estimated + householdNotes.unknown > 0 && (
            <p className="note" data-testid="coverage-households-source">
              {householdNotes.estimated > 0 && t("cov.householdsEstimated", { count: num(householdNotes.estimated) })}
              {householdNotes.unknown > 0 && t("cov.householdsUnknown", { count: num(householdNotes.unknown) })}
            </p>
          )}
          {householdNotes.assumed > 0 && (
            <p className="note" data-testid="coverage-access-assumed">
              {t("cov.accessAssumed", { count: num(householdNotes.assumed) })}
            </p>
          )}
          <section className="circles" data-testid="coverage-circles">
            {byCircle.map((c) => (
              <div key={c.circle} className="figure">
                <span>{t(`coverage.circle.${c.circle}` as MessageKey)}</span>
                <strong>{pct(c.share)}</strong>
              </div>
            ))}
          </section>

          <section className="colour-by">
            <h3>{t("cov.colourBy")}</h3>
            <label>
              <input type="radio" name="cov-mode" data-testid="mode-score" checked={mode === "score"} onChange={() => setMode("score")} />
              {t("cov.byScore")}
            </label>
            <label>
              <input
                type="radio"
                name="cov-mode"
                data-testid="mode-distance"
                checked={mode === "distance"}
                disabled={!focus}
                onChange={() => setMode("distance")}
              />
              {t("cov.byDistance")}
            </label>
            <select
              data-testid="focus-category"
              aria-label={t("cov.focus")}
              value={focus ?? ""}
              onChange={(e) => {
                setFocus(e.target.value || null);
                if (!e.target.value) setMode("score");
              }}
            >
              <option value="">{t("cov.allCategories")}</option>
              {categories.map((c) => (
                <option key={c.code} value={c.code}>
                  {catLabel(c.code)}
                </option>
              ))}
            </select>
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
          </section>

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
                      onClick={() => setFocus(focus === c.code ? null : c.code)}
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

          <section className="isochrones">
            <h3>{t("iso.title")}</h3>
            <div className="row">
              <button type="button" data-testid="iso-point" onClick={isoFromPoint}>
                {t("iso.fromPoint")}
              </button>
              <button
                type="button"
                data-testid="iso-compound"
                disabled={p.selectedId === null}
                onClick={() => p.selectedId !== null && isoFrom({ compoundId: p.selectedId }, null)}
              >
                {t("iso.fromCompound")}
              </button>
            </div>
            {iso && (
              <IsochroneResults
                bands={iso.bands}
                onClear={() => setIso(null)}
                facilityName={(id) => {
                  const a = amenityById.get(id);
                  return a ? `${a.properties.name ?? categoryName(a.properties.category)}（${categoryName(a.properties.category)}）` : t("whatif.proposed");
                }}
              />
            )}
          </section>

          <section className="siting" data-testid="siting">
            <h3>{t("site.title")}</h3>
            <div className="row">
              <select data-testid="site-category" aria-label={t("site.category")} value={siteCategory} onChange={(e) => setSiteCategory(e.target.value)}>
                {categories.map((c) => (
                  <option key={c.code} value={c.code}>
                    {catLabel(c.code)}
                  </option>
                ))}
              </select>
              <label>
                {t("site.k")}
                <input
                  type="number"
                  min={1}
                  max={10}
                  value={siteK}
                  data-testid="site-k"
                  onChange={(e) => setSiteK(Math.max(1, Math.min(10, Number(e.target.value) || 1)))}
                />
              </label>
              <button type="button" data-testid="site-run" onClick={suggest}>
                {t("site.run")}
              </button>
            </div>
            {sites &&
              (sites.proposals.length === 0 ? (
                <p className="note" data-testid="site-none">
                  {t("site.none")}
                </p>
              ) : (
                <ol className="site-list">
                  {sites.proposals.map((s, i) => (
                    <li key={s.lonLat.join(",")} data-testid="site-proposal" data-gain={s.gainHouseholds}>
                      {t("site.gain", { rank: i + 1, households: num(s.gainHouseholds), compounds: num(s.coveredCompoundIds.length) })}
                      {user && (
                        <button
                          type="button"
                          className="link"
                          data-testid="site-add"
                          onClick={() => addChange({ key: newKey("site"), action: "add", category: sites.category, lonLat: s.lonLat })}
                        >
                          {t("site.addToScenario")}
                        </button>
                      )}
                    </li>
                  ))}
                </ol>
              ))}
          </section>

          <section className="whatif" data-testid="whatif">
            <h3>{t("whatif.title")}</h3>
            {!user ? (
              <p className="note" data-testid="whatif-signin">
                {t("whatif.signIn")}
              </p>
            ) : (
              <>
                <div className="row">
                  <select aria-label={t("whatif.category")} data-testid="whatif-category" value={addCategory} onChange={(e) => setAddCategory(e.target.value)}>
                    {categories.map((c) => (
                      <option key={c.code} value={c.code}>
                        {categoryName(c.code)}
                      </option>
                    ))}
                  </select>
                  <button type="button" data-testid="whatif-add" onClick={proposeFacility}>
                    {t("whatif.add")}
                  </button>
                </div>
                <div className="row">
                  <button type="button" data-testid="whatif-move" onClick={() => moveOrRemove("move")}>
                    {t("whatif.move")}
                  </button>
                  <button type="button" data-testid="whatif-remove" onClick={() => moveOrRemove("remove")}>
                    {t("whatif.remove")}
                  </button>
                  <button type="button" data-testid="whatif-gate" onClick={proposeGate}>
                    {t("whatif.gate")}
                  </button>
                </div>
                {changeCount === 0 ? (
                  <p className="note">{t("whatif.none")}</p>
                ) : (
                  <ul className="changes" data-testid="whatif-changes">
                    {changes.facilities.map((c) => (
                      <li key={c.key} data-testid="whatif-change">
                        {t(`whatif.action.${c.action}` as MessageKey, {
                          category: categoryName(c.category ?? amenityById.get(c.amenityId ?? -1)?.properties.category ?? ""),
                        })}
                        <button type="button" className="link" aria-label={t("whatif.undo")} onClick={() => dropChange(c.key)}>
                          ×
                        </button>
                      </li>
                    ))}
                    {changes.gates.map((g) => (
                      <li key={g.key} data-testid="whatif-change">
                        {t("whatif.action.gate", { compound: info.get(g.compoundId)?.name ?? String(g.compoundId) })}
                        <button type="button" className="link" aria-label={t("whatif.undo")} onClick={() => dropChange(g.key)}>
                          ×
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
                {result.changes && (
                  <div className="before-after" data-testid="whatif-result">
                    <h4>{t("whatif.result")}</h4>
                    {result.changes.byCategory.length === 0 && <p className="note">{t("whatif.noEffect")}</p>}
                    <ul>
                      {result.changes.byCategory.map((c) => (
                        <li key={c.code} data-testid="whatif-gain" data-code={c.code} data-households={c.gainedHouseholds}>
                          {t("whatif.gainLine", { category: categoryName(c.code), households: num(c.gainedHouseholds), compounds: num(c.gainedCompounds) })}
                          {c.lostHouseholds > 0 && <span className="loss">{t("whatif.lossLine", { households: num(c.lostHouseholds) })}</span>}
                        </li>
                      ))}
                    </ul>
                    {result.changes.compounds.length > 0 && (
                      <details>
                        <summary>{t("whatif.changedCompounds", { count: num(result.changes.compounds.length) })}</summary>
                        <ul>
                          {result.changes.compounds.map((c) => (
                            <li key={c.id}>
                              <button type="button" className="link" onClick={() => p.onZoomTo(c.id)}>
                                {info.get(c.id)?.name}
                              </button>
                              {c.gained.length > 0 && <span className="gain"> +{c.gained.map(categoryName).join("、")}</span>}
                              {c.lost.length > 0 && <span className="loss"> −{c.lost.map(categoryName).join("、")}</span>}
                            </li>
                          ))}
                        </ul>
                      </details>
                    )}
                    {result.changes.unattachedGates.length > 0 && <p className="note warn">{t("whatif.gateOffNetwork")}</p>}
                  </div>
                )}
                {changeCount > 0 && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setChanges(NO_CHANGES);
                      setScenario(null);
                    }}
                  >
                    {t("whatif.clear")}
                  </button>
                )}
                <Scenarios
                  changes={changes}
                  current={scenario}
                  onLoad={(s) => {
                    setScenario(s);
                    setChanges(s ? s.changes : NO_CHANGES);
                  }}
                />
              </>
            )}
          </section>

          <GapTable result={result} info={info} focus={focus} categoryName={categoryName} subdistricts={subdistricts} onZoom={p.onZoomTo} />
          <RollUps result={result} info={info} focus={focus} subdistricts={subdistricts} communities={communities} onReport={openReport} />
        </>
      )}
      {p.standards.data && (
        <details className="legend-details">
          <summary data-testid="facility-legend-toggle">{t("cov.facilityLegend")}</summary>
          <CategoryLegend standards={p.standards.data} counts={counts} />
        </details>
      )}
      {report && result && (
        <CoverageReport
          subdistrict={report.subdistrict}
          image={report.image}
          result={result}
          info={info}
          communities={communities}
          categories={categories.map((c) => ({ code: c.code, name: categoryName(c.code), limitM: c.limitM }))}
          onClose={() => setReport(null)}
        />
      )}
    </div>
  );
}
