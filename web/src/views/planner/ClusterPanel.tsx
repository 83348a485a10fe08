import { useCallback, useEffect, useMemo, useState } from "react";
import { createPortal } from "react-dom";
import type { ClusterSheet as Sheet } from "../../../../server/services/clusters";
import { ApiError, fetchJson, sendJson, type ApiState } from "../../api/client";
import { useClusterRules, type ClusterRules, type Compounds, type Gates, type StandardsProfile } from "../../api/resources";
import { useSession } from "../../api/session";
import type { AdjacencyLink, Cluster, ClusterCompound, ClusterResult, ClusterViolation } from "../../analysis/cluster";
import type { SiteProposal } from "../../analysis/siting";
import { NO_CHANGES } from "../../analysis/whatif";
import { ErrorBox, Empty, Loading } from "../../components/States";
import { useI18n, type MessageKey } from "../../i18n";
import { geometryBounds } from "../../map/MapView";
import type { AnalysisState } from "../coverage/useAnalysis";
import { ClusterSheetView } from "./ClusterSheet";

type FC = { type: "FeatureCollection"; features: unknown[] };

/** Distinct fills for clusters on the map (ColorBrewer Set3/Paired, readable under labels). */
export const CLUSTER_COLORS = ["#1f78b4", "#33a02c", "#e31a1c", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99"];

interface PlanCluster {
  key: string;
  name: string;
  members: number[];
  savedId?: number;
  version?: number;
  status?: string;
  planYear?: number | null;
  notes?: string | null;
}

interface SavedCluster { id: number; name: string; memberIds: number[]; version: number; status: string; planYear: number | null; notes: string | null }

const STATUSES = ["draft", "planned", "started", "completed"] as const;
let seq = 0;
const key = () => `c${Date.now().toString(36)}${(seq++).toString(36)}`;

/**
 * 连片改造: auto-cluster candidate compounds, edit a cluster by clicking compounds, merge and
 * split, read its sheet, save it. Clustering runs in the analysis worker over the walk graph.
 */
export function ClusterPanel({ compounds, gates, standards, analysis, onColors, onOverlay, onCaptureClicks, onZoomTo, captureMap }: {
  compounds: ApiState<Compounds>;
  gates: ApiState<Gates>;
  standards: ApiState<StandardsProfile>;
  analysis: AnalysisState;
  onColors(c: Map<number, string> | undefined): void;
  onOverlay(fc: FC | undefined): void;
  /** While set, clicks on compounds go here instead of selecting them. */
  onCaptureClicks(fn: ((id: number) => void) | null): void;
  onZoomTo(bounds: [number, number, number, number]): void;
  captureMap(bounds: [number, number, number, number]): Promise<string | null>;
}) {
  const { t, num, lang } = useI18n();
  const [graph, setGraph] = useState<FC | null>(null);
  const [showGraph, setShowGraph] = useState(false);
  const [printing, setPrinting] = useState<string | null | undefined>(undefined);
  const { user, canEdit } = useSession();
  const categoryName = (code: string) => {
    const c = standards.data?.categories.find((x) => x.code === code);
    return c ? (lang === "zh-CN" ? c.nameZh : c.nameEn) : code;
  };
  // The limits start at the city's cluster rules (GET /api/clusters/rules); the planner may try others.
  const rules = useClusterRules();
  const [filters, setFilters] = useState<{
    maxBuildYear: number; subdistrict: string; tier: string; notStarted: boolean; bundle: boolean;
  } & Partial<Pick<ClusterRules, "minHouseholds" | "maxHouseholds" | "maxSpanM">>>({ maxBuildYear: 2000, subdistrict: "", tier: "", notStarted: true, bundle: false });
  const [pairs, setPairs] = useState<AdjacencyLink[] | null>(null);
  const [plan, setPlan] = useState<PlanCluster[]>([]);
  const [unassigned, setUnassigned] = useState<ClusterResult["unassigned"]>([]);
  const [current, setCurrent] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const [engine, setEngine] = useState<{ cluster: Cluster; violations: ClusterViolation[] } | undefined>();
  const [site, setSite] = useState<{ category: string; proposal: SiteProposal | null } | undefined>();
  const [mergeWith, setMergeWith] = useState("");

  const features = compounds.data?.features ?? [];
  const byId = useMemo(() => new Map(features.map((f) => [f.properties.id, f])), [features]);
  const subdistricts = useMemo(() => [...new Map(features.filter((f) => f.properties.subdistrictId).map((f) => [f.properties.subdistrictId!, f.properties.subdistrict!])).entries()], [features]);
  const asCluster = useCallback((id: number): ClusterCompound => {
    const f = byId.get(id)!;
    const [a, b, c, d] = geometryBounds(f.geometry);
    return {
      id, households: f.properties.households, buildYear: f.properties.buildYear, centroid: [(a + c) / 2, (b + d) / 2],
      gates: (gates.data?.features ?? []).filter((g) => g.properties.compoundId === id).map((g) => g.geometry.coordinates as [number, number]),
      management: f.properties.management,
    };
  }, [byId, gates.data]);
  const r = rules.data;
  const limit = (k: "minHouseholds" | "maxHouseholds" | "maxSpanM") => filters[k] ?? r?.[k] ?? 0;
  // Auto-clustering by the limits on screen; a cluster's warnings by the city's rules (as the server's).
  const options = { minHouseholds: limit("minHouseholds"), maxHouseholds: limit("maxHouseholds"), maxSpanM: limit("maxSpanM"), detourFactor: r?.detourFactor ?? 1, bundleManaged: filters.bundle };
  const cityRules = r && { minHouseholds: r.minHouseholds, maxHouseholds: r.maxHouseholds, maxSpanM: r.maxSpanM, detourFactor: r.detourFactor };

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try { await fn(); setError(null); } catch (e) { setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message)); } finally { setBusy(false); }
  };
  const loadPairs = async () => {
    if (pairs) return pairs;
    const adj = await fetchJson<{ pairs: AdjacencyLink[]; edges: FC }>("/api/compounds/adjacency");
    setPairs(adj.pairs);
    setGraph(adj.edges);
    return adj.pairs;
  };
  useEffect(() => { if (showGraph && !graph) void run(async () => { await loadPairs(); }); }, [showGraph]);
  const loadSaved = useCallback(() => run(async () => {
    const r = await fetchJson<{ clusters: SavedCluster[] }>("/api/clusters");
    setPlan((p) => [
      ...r.clusters.map((c) => ({ key: `s${c.id}`, name: c.name, members: c.memberIds, savedId: c.id, version: c.version, status: c.status, planYear: c.planYear, notes: c.notes })),
      ...p.filter((x) => !x.savedId),
    ]);
  }), []);
  useEffect(() => { void loadSaved(); }, [loadSaved, user?.id]);

  const inSaved = useMemo(() => new Set(plan.filter((c) => c.savedId).flatMap((c) => c.members)), [plan]);
  const autoCluster = () => run(async () => {
    const adjacency = await loadPairs();
    const isCandidate = (f: (typeof features)[number]) => (f.properties.buildYear ?? 9999) <= filters.maxBuildYear
      && (!filters.subdistrict || String(f.properties.subdistrictId) === filters.subdistrict)
      && (!filters.tier || (f.properties.tier ?? "none") === filters.tier)
      && (!filters.notStarted || f.properties.status === "unlisted" || f.properties.status === "planned")
      && !inSaved.has(f.properties.id);
    const candidates = features.filter(isCandidate).map((f) => asCluster(f.properties.id));
    const partners = filters.bundle ? features.filter((f) => !isCandidate(f) && f.properties.management === "professional" && !inSaved.has(f.properties.id)).map((f) => asCluster(f.properties.id)) : [];
    const result = await analysis.call<ClusterResult>({ type: "cluster", candidates, partners, pairs: adjacency, options });
    setPlan((p) => [
      ...p.filter((c) => c.savedId),
      ...result.clusters.map((c, i) => ({ key: key(), name: t("cluster.autoName", { n: i + 1 }), members: c.members })),
    ]);
    setUnassigned(result.unassigned);
    setCurrent(null);
  });

  const cur = plan.find((c) => c.key === current) ?? null;
  const setMembers = (k: string, members: number[]) => setPlan((p) => p.map((c) => (c.key === k ? { ...c, members } : c)));

  // Clicking compounds adds or removes them while editing the current cluster.
  useEffect(() => {
    if (!editing || !current) { onCaptureClicks(null); return; }
    onCaptureClicks((id: number) => {
      setPlan((p) => {
        const target = p.find((c) => c.key === current);
        if (!target) return p;
        const adding = !target.members.includes(id);
        return p.map((c) => {
          if (c.key === current) return { ...c, members: adding ? [...c.members, id].sort((a, b) => a - b) : c.members.filter((m) => m !== id) };
          // A compound leaves an unsaved cluster it was in; saved clusters keep theirs (the API will warn).
          if (adding && !c.savedId) return { ...c, members: c.members.filter((m) => m !== id) };
          return c;
        });
      });
    });
    return () => onCaptureClicks(null);
  }, [editing, current, onCaptureClicks]);

  // Colours and the current cluster's outline on the map.
  useEffect(() => {
    const colours = new Map<number, string>();
    plan.forEach((c, i) => { for (const m of c.members) colours.set(m, CLUSTER_COLORS[i % CLUSTER_COLORS.length]); });
    onColors(plan.length ? colours : undefined);
  }, [plan, onColors]);
  useEffect(() => {
    const fs: unknown[] = [];
    if (showGraph && graph) for (const f of graph.features) fs.push({ ...(f as object), properties: { layer: "adjacency" } });
    if (sheet?.outline && cur) fs.push({ type: "Feature", geometry: sheet.outline, properties: { layer: "outline" } });
    if (site?.proposal) fs.push({ type: "Feature", geometry: { type: "Point", coordinates: site.proposal.lonLat }, properties: { layer: "site", mark: "★" } });
    onOverlay({ type: "FeatureCollection", features: fs });
  }, [sheet, site, cur, onOverlay, showGraph, graph]);
  useEffect(() => () => { onColors(undefined); onOverlay(undefined); }, [onColors, onOverlay]);

  // The sheet follows the current cluster's members.
  const memberKey = cur?.members.join(",") ?? "";
  useEffect(() => {
    setSheet(null); setEngine(undefined); setSite(undefined);
    if (!cur || !cur.members.length) return;
    let live = true;
    const members = cur.members;
    // The sheet of an unsaved selection is computed by the API for signed-in users only.
    const sheetReq = cur.savedId && !user
      ? fetchJson<Sheet>(`/api/clusters/${cur.savedId}/sheet`)
      : user ? sendJson<Sheet>("POST", "/api/clusters/sheet", cur.savedId ? { memberIds: members, clusterId: cur.savedId } : { memberIds: members })
        : Promise.reject(new ApiError(401, t("cluster.signInForSheet")));
    sheetReq.then((s) => { if (live) setSheet(s); }, (e: ApiError) => { if (live) setError(e); });
    if (analysis.status === "ready") {
      loadPairs().then(async (adjacency) => {
        if (!cityRules) return;
        const described = await analysis.call<{ cluster: Cluster; violations: ClusterViolation[] }>({ type: "describeCluster", members, compounds: members.map(asCluster), pairs: adjacency, options: cityRules });
        if (!live) return;
        setEngine(described);
        const gap = described.cluster.sharedGaps[0];
        if (gap) {
          const [proposal] = await analysis.call<SiteProposal[]>({ type: "site", category: gap, k: 1, changes: NO_CHANGES, within: members });
          if (live) setSite({ category: gap, proposal: proposal ?? null });
        }
      }).catch((e: Error) => { if (live) setError(new ApiError(0, e.message)); });
    }
    return () => { live = false; };
  }, [current, memberKey, analysis.status, user?.id, r]);

  const split = () => {
    if (!cur || cur.members.length < 2) return;
    // Two new clusters around the two members farthest apart; each member joins the nearer one.
    const pts = cur.members.map((id) => ({ id, c: asCluster(id).centroid }));
    let best = [pts[0], pts[1]], far = -1;
    for (const a of pts) for (const b of pts) { const d = (a.c[0] - b.c[0]) ** 2 + (a.c[1] - b.c[1]) ** 2; if (d > far) { far = d; best = [a, b]; } }
    const near = (p: { c: number[] }, q: { c: number[] }) => (p.c[0] - q.c[0]) ** 2 + (p.c[1] - q.c[1]) ** 2;
    const a = pts.filter((p) => near(p, best[0]) <= near(p, best[1])).map((p) => p.id);
    const b = cur.members.filter((id) => !a.includes(id));
    const other: PlanCluster = { key: key(), name: `${cur.name}-2`, members: b };
    setPlan((p) => [...p.map((c) => (c.key === cur.key ? { ...c, members: a } : c)), other]);
  };
  const merge = () => {
    const other = plan.find((c) => c.key === mergeWith);
    if (!cur || !other || other.savedId) return;
    setPlan((p) => p.filter((c) => c.key !== other.key).map((c) => (c.key === cur.key ? { ...c, members: [...new Set([...c.members, ...other.members])].sort((x, y) => x - y) } : c)));
    setMergeWith("");
  };
  const save = () => run(async () => {
    if (!cur) return;
    const body = { name: cur.name, planYear: cur.planYear ?? undefined, notes: cur.notes ?? undefined, status: cur.status ?? "draft", memberIds: cur.members };
    const saved = cur.savedId
      ? await sendJson<SavedCluster>("PATCH", `/api/clusters/${cur.savedId}`, { ...body, version: cur.version })
      : await sendJson<SavedCluster>("POST", "/api/clusters", body);
    setPlan((p) => p.map((c) => (c.key === cur.key ? { ...c, key: `s${saved.id}`, savedId: saved.id, version: saved.version, status: saved.status, members: saved.memberIds } : c)));
    setCurrent(`s${saved.id}`);
  });
  const remove = () => run(async () => {
    if (!cur) return;
    if (cur.savedId) {
      if (!confirm(t("cluster.confirmDelete", { name: cur.name }))) return;
      await sendJson("DELETE", `/api/clusters/${cur.savedId}?version=${cur.version}`);
    }
    setPlan((p) => p.filter((c) => c.key !== cur.key));
    setCurrent(null);
  });
  const memberBounds = (ids: number[]) => {
    const b = ids.map((id) => byId.get(id)).filter((f) => !!f).map((f) => geometryBounds(f!.geometry))
      .reduce<[number, number, number, number]>((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])], [Infinity, Infinity, -Infinity, -Infinity]);
    return Number.isFinite(b[0]) ? b : undefined;
  };
  const select = (k: string) => {
    setCurrent(k); setEditing(false);
    const b = memberBounds(plan.find((x) => x.key === k)?.members ?? []);
    if (b) onZoomTo(b);
  };
  const patchCur = (patch: Partial<PlanCluster>) => cur && setPlan((p) => p.map((c) => (c.key === cur.key ? { ...c, ...patch } : c)));
  const households = (c: PlanCluster) => c.members.reduce((s, id) => s + (byId.get(id)?.properties.households ?? 0), 0);
  const warningText = (w: Sheet["warnings"][number]) => {
    if (w.code === "in_other_cluster") return t("cluster.warn.in_other_cluster");
    if (w.code === "span_too_long" && w.value === null) return t("cluster.warn.span_unconnected", { limit: num(w.limit ?? 0) });
    const known = ["not_contiguous", "span_too_long", "too_few_households", "too_many_households"] as const;
    return (known as readonly string[]).includes(w.code)
      ? t(`cluster.warn.${w.code}` as MessageKey, { value: num(Number(w.value ?? 0)), limit: num(Number(w.limit ?? 0)) })
      : w.message;
  };
  const num0 = (v: string, d: number) => (Number.isFinite(Number(v)) && v !== "" ? Number(v) : d);

  return (
    <section className="clusters" data-testid="cluster-panel">
      <h3>{t("cluster.title")}</h3>
      <p className="hint">{t("cluster.intro")}</p>
      {error && <ErrorBox error={error} />}
      {error?.status === 409 && <button type="button" onClick={() => void loadSaved()}>{t("edit.reload")}</button>}
      <div className="cluster-form">
        <label>{t("cluster.maxBuildYear")}<input type="number" data-testid="cluster-max-year" value={filters.maxBuildYear} onChange={(e) => setFilters({ ...filters, maxBuildYear: num0(e.target.value, 2000) })} /></label>
        <label>{t("gap.subdistrict")}
          <select value={filters.subdistrict} onChange={(e) => setFilters({ ...filters, subdistrict: e.target.value })}>
            <option value="">{t("gap.allSubdistricts")}</option>
            {subdistricts.map(([id, name]) => <option key={id} value={id}>{name}</option>)}
          </select>
        </label>
        <label>{t("cluster.tier")}
          <select data-testid="cluster-tier" value={filters.tier} onChange={(e) => setFilters({ ...filters, tier: e.target.value })}>
            <option value="">{t("cluster.anyTier")}</option>
            {(["basic", "complete", "enhanced", "none"] as const).map((x) => <option key={x} value={x}>{t(`tier.${x}` as MessageKey)}</option>)}
          </select>
        </label>
        {(["minHouseholds", "maxHouseholds", "maxSpanM"] as const).map((k) => (
          <label key={k}>{t(k === "maxSpanM" ? "cluster.maxSpan" : `cluster.${k}`)}
            <input type="number" data-testid={`cluster-${k}`} value={r ? limit(k) : ""} disabled={!r}
              onChange={(e) => setFilters({ ...filters, [k]: num0(e.target.value, r?.[k] ?? 0) })} />
          </label>
        ))}
        <label className="toggle"><input type="checkbox" checked={filters.notStarted} onChange={(e) => setFilters({ ...filters, notStarted: e.target.checked })} />{t("cluster.notStarted")}</label>
        <label className="toggle"><input type="checkbox" checked={filters.bundle} onChange={(e) => setFilters({ ...filters, bundle: e.target.checked })} />{t("cluster.bundle")}</label>
      </div>
      <label className="toggle"><input type="checkbox" data-testid="adjacency-toggle" checked={showGraph} onChange={(e) => setShowGraph(e.target.checked)} />{t("cluster.showGraph")}</label>
      <button type="button" data-testid="cluster-auto" disabled={busy || analysis.status !== "ready" || !r} onClick={autoCluster}>{t("cluster.auto")}</button>
      {(analysis.status === "loading" || busy) && <Loading />}

      {plan.length === 0 ? <Empty text={t("cluster.none")} /> : (
        <ul className="cluster-list" data-testid="cluster-list">
          {plan.map((c, i) => (
            <li key={c.key} data-testid="cluster-item" data-key={c.key} data-saved={c.savedId ? "true" : "false"} className={c.key === current ? "active" : ""}>
              <span className="swatch" style={{ background: CLUSTER_COLORS[i % CLUSTER_COLORS.length] }} />
              <button type="button" className="link" data-testid="cluster-select" onClick={() => select(c.key)}>{c.name}</button>
              <small>{t("cluster.listLine", { compounds: c.members.length, households: num(households(c)) })}{c.savedId ? ` · ${t(`cluster.status.${c.status ?? "draft"}` as MessageKey)}` : ` · ${t("cluster.unsaved")}`}</small>
            </li>
          ))}
        </ul>
      )}
      {unassigned.length > 0 && (
        <details data-testid="cluster-unassigned">
          <summary>{t("cluster.unassigned", { count: num(unassigned.length) })}</summary>
          <ul className="small">{unassigned.map((u) => <li key={u.id}>{byId.get(u.id)?.properties.name ?? u.id}：{t(`cluster.reason.${u.reason.replaceAll(" ", "_")}` as MessageKey)}<small> ({u.detail})</small></li>)}</ul>
        </details>
      )}

      {cur && (
        <div className="cluster-current" data-testid="cluster-current">
          <h3>{cur.name}</h3>
          {canEdit && (
            <>
              <div className="row">
                <input aria-label={t("cluster.name")} data-testid="cluster-name" value={cur.name} onChange={(e) => patchCur({ name: e.target.value })} />
                <input type="number" aria-label={t("cluster.planYear")} placeholder={t("cluster.planYear")} value={cur.planYear ?? ""} onChange={(e) => patchCur({ planYear: e.target.value ? Number(e.target.value) : null })} />
                <select aria-label={t("cluster.statusLabel")} value={cur.status ?? "draft"} onChange={(e) => patchCur({ status: e.target.value })}>
                  {STATUSES.map((s) => <option key={s} value={s}>{t(`cluster.status.${s}` as MessageKey)}</option>)}
                </select>
              </div>
              <div className="row">
                <label className="toggle"><input type="checkbox" data-testid="cluster-edit" checked={editing} onChange={(e) => setEditing(e.target.checked)} />{t("cluster.clickToEdit")}</label>
              </div>
              <div className="row">
                <button type="button" data-testid="cluster-split" disabled={cur.members.length < 2} onClick={split}>{t("cluster.split")}</button>
                <select aria-label={t("cluster.mergeWith")} value={mergeWith} onChange={(e) => setMergeWith(e.target.value)}>
                  <option value="">{t("cluster.mergeWith")}</option>
                  {plan.filter((c) => c.key !== cur.key && !c.savedId).map((c) => <option key={c.key} value={c.key}>{c.name}</option>)}
                </select>
                <button type="button" data-testid="cluster-merge" disabled={!mergeWith} onClick={merge}>{t("cluster.merge")}</button>
              </div>
              <div className="row">
                <button type="button" data-testid="cluster-save" disabled={busy || !cur.name.trim() || !cur.members.length} onClick={save}>{cur.savedId ? t("cluster.update") : t("cluster.save")}</button>
                <button type="button" className="link danger" onClick={remove}>{t("cluster.delete")}</button>
                <button type="button" data-testid="cluster-print" disabled={!sheet} onClick={() => void run(async () => {
                  const b = memberBounds(cur.members);
                  setPrinting(b ? await captureMap(b) : null);
                })}>{t("cluster.print")}</button>
                {cur.savedId && <a href={`/api/clusters/${cur.savedId}/export.geojson`} download>GeoJSON</a>}
                {cur.savedId && <a href={`/api/clusters/${cur.savedId}/export.csv`} download>CSV</a>}
              </div>
            </>
          )}
          <p className="note" data-testid="cluster-members">{t("cluster.members", { names: cur.members.map((id) => byId.get(id)?.properties.name ?? id).join("、") })}</p>
          {/* One check of a cluster (the engine's): the server's answer when there is one, else the worker's. */}
          {(sheet?.warnings ?? engine?.violations ?? []).map((w) => (
            <p key={w.code} className="note warn" data-testid="cluster-warning" data-code={w.code}>⚠ {warningText(w)}</p>
          ))}
          {!sheet ? (error?.status === 401 ? null : <Loading />) : <ClusterSheetView sheet={sheet} engine={engine} site={site} categoryName={categoryName} />}
        </div>
      )}
      {cur && sheet && printing !== undefined && createPortal(
        <div className="report-overlay" data-testid="cluster-report" role="dialog" aria-label={cur.name}>
          <div className="report-actions no-print">
            <button type="button" data-testid="report-print" onClick={() => window.print()}>{t("report.print")}</button>
            <button type="button" onClick={() => setPrinting(undefined)}>{t("report.close")}</button>
          </div>
          <article className="report-page cluster-report">
            <header>
              <h1>{t("cluster.reportTitle", { name: cur.name })}</h1>
              <p>{new Date().toLocaleDateString()} · {t("cluster.listLine", { compounds: cur.members.length, households: num(sheet.totals.households) })}</p>
            </header>
            {printing ? <img className="report-map" data-testid="report-map" src={printing} alt={cur.name} /> : <p className="note">{t("report.noMap")}</p>}
            <p className="note">{t("cluster.members", { names: cur.members.map((id) => byId.get(id)?.properties.name ?? id).join("、") })}</p>
            <ClusterSheetView sheet={sheet} engine={engine} site={site} categoryName={categoryName} />
          </article>
        </div>, document.body)}
    </section>
  );
}
