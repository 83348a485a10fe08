import { useCallback, useEffect, useMemo, useState } from "react";
import { polygonRings, type CaptureMap, type MapFrame } from "../../map/print-frame";
import type { ClusterStatus, ClusterSheet as Sheet } from "../../../../server/schemas/clusters";
import { ITEM_MAX_OUTSIDE_M } from "../../../../shared/placement";
import { growBounds } from "../../analysis/geo";
import type { ApiState } from "../../api/client";
import { useClusterRules, type Compounds, type Gates, type StandardsProfile } from "../../api/resources";
import { useSession } from "../../api/session";
import type { ClusterCompound, Unassigned } from "../../analysis/cluster";
import { ErrorBox, Empty, Loading } from "../../components/States";
import { useI18n, type MessageKey } from "../../i18n";
import { geometryBounds } from "../../map/MapView";
import type { AnalysisState } from "../coverage/useAnalysis";
import { ClusterForm, INITIAL_FILTERS, limitOf, type ClusterFilters } from "./ClusterForm";
import { ClusterReport } from "./ClusterReport";
import { ClusterSheetView } from "./ClusterSheet";
import { CLUSTER_COLORS, clusterColours, clusterOverlay, unionBounds, type FC } from "./overlay";
import { useAdjacency, useClusterPlan } from "./useClusterPlan";
import { useClusterSelection } from "./useClusterSelection";

export { CLUSTER_COLORS };

/** The cluster statuses in their order (the type is server/schemas/clusters.ts; the compiler holds this list to it). */
const STATUS_ORDER = { draft: 0, planned: 1, started: 2, completed: 3 } satisfies Record<ClusterStatus, number>;
const STATUSES = (Object.keys(STATUS_ORDER) as ClusterStatus[]).sort((a, b) => STATUS_ORDER[a] - STATUS_ORDER[b]);

/**
 * 连片改造: auto-cluster candidate compounds, edit a cluster by clicking compounds, merge and
 * split, read its sheet, save it. Clustering runs in the analysis worker over the walk graph; the
 * plan lives in {@link useClusterPlan}, the current cluster's sheet and check in
 * {@link useClusterSelection}, the map overlay in ./overlay.ts.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the planner's panel: state lives in useClusterPlan and useClusterSelection; what remains is wiring and its JSX
export function ClusterPanel({
  compounds,
  gates,
  standards,
  analysis,
  onColors,
  onOverlay,
  onCaptureClicks,
  onZoomTo,
  captureMap,
}: {
  compounds: ApiState<Compounds>;
  gates: ApiState<Gates>;
  standards: ApiState<StandardsProfile>;
  analysis: AnalysisState;
  onColors(c: Map<number, string> | undefined): void;
  onOverlay(fc: FC | undefined): void;
  /** While set, clicks on compounds go here instead of selecting them. */
  onCaptureClicks(fn: ((id: number) => void) | null): void;
  onZoomTo(bounds: [number, number, number, number]): void;
  captureMap: CaptureMap;
}) {
  const { t, num, lang, lookup } = useI18n();
  const { user, canEdit } = useSession();
  const [showGraph, setShowGraph] = useState(false);
  const [printing, setPrinting] = useState<MapFrame | null | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [mergeWith, setMergeWith] = useState("");
  // The limits start at the city's cluster rules (GET /api/clusters/rules); the planner may try others.
  const rules = useClusterRules();
  const r = rules.data;
  const [filters, setFilters] = useState<ClusterFilters>(INITIAL_FILTERS);
  const categoryName = (code: string) => {
    const c = standards.data?.categories.find((x) => x.code === code);
    return c ? (lang === "zh-CN" ? c.nameZh : c.nameEn) : code;
  };

  const features = compounds.data?.features ?? [];
  const byId = useMemo(() => new Map(features.map((f) => [f.properties.id, f])), [features]);
  /** Why a compound is in no cluster, from the catalogue by the engine's code (its numbers formatted). */
  const reasonText = (u: Unassigned) =>
    lookup(`cluster.reason.${u.code}`, Object.fromEntries(Object.entries(u.params).map(([k, v]) => [k, num(v)]))) ??
    `${t(`cluster.reason.${u.reason.replaceAll(" ", "_")}` as MessageKey)} (${u.detail})`;
  const subdistricts = useMemo(
    () => [...new Map(features.filter((f) => f.properties.subdistrictId).map((f) => [f.properties.subdistrictId!, f.properties.subdistrict!])).entries()],
    [features],
  );
  const gatesOf = useMemo(() => {
    const m = new Map<number, Array<[number, number]>>();
    for (const g of gates.data?.features ?? [])
      m.set(g.properties.compoundId, [...(m.get(g.properties.compoundId) ?? []), g.geometry.coordinates as [number, number]]);
    return m;
  }, [gates.data]);
  const asCluster = (id: number): ClusterCompound => {
    const f = byId.get(id)!;
    const [a, b, c, d] = geometryBounds(f.geometry);
    return {
      id,
      households: f.properties.households,
      buildYear: f.properties.buildYear,
      centroid: [(a + c) / 2, (b + d) / 2],
      gates: gatesOf.get(id) ?? [],
      management: f.properties.management,
    };
  };
  // A cluster's warnings are checked by the city's rules, as the server's are.
  const cityRules = useMemo(
    () => r && { minHouseholds: r.minHouseholds, maxHouseholds: r.maxHouseholds, maxSpanM: r.maxSpanM, detourFactor: r.detourFactor },
    [r],
  );

  const { adjacency, load: loadAdjacency } = useAdjacency();
  const confirmMove = useCallback(
    (id: number, from: { name: string }) => confirm(t("cluster.confirmMove", { compound: byId.get(id)?.properties.name ?? String(id), cluster: from.name })),
    [byId, t],
  );
  const p = useClusterPlan({ analysis, loadAdjacency, userId: user?.id, autoName: (n) => t("cluster.autoName", { n }), confirmMove });
  const { plan, cur, current, busy, error } = p;
  const { sheet, engine, site } = useClusterSelection({
    cur,
    signedIn: Boolean(user),
    analysis,
    rules: cityRules,
    loadAdjacency,
    compoundOf: asCluster,
    onError: p.setError,
    signInMessage: t("cluster.signInForSheet"),
  });
  useEffect(() => {
    if (showGraph && !adjacency)
      void p.run(async () => {
        await loadAdjacency();
      });
  }, [showGraph, adjacency, loadAdjacency, p.run]);

  const inSaved = useMemo(() => new Set(plan.filter((c) => c.savedId).flatMap((c) => c.members)), [plan]);
  const autoCluster = () => {
    const isCandidate = (f: (typeof features)[number]) =>
      (f.properties.buildYear ?? 9999) <= filters.maxBuildYear &&
      (!filters.subdistrict || String(f.properties.subdistrictId) === filters.subdistrict) &&
      (!filters.tier || (f.properties.tier ?? "none") === filters.tier) &&
      (!filters.notStarted || f.properties.status === "unlisted" || f.properties.status === "planned") &&
      !inSaved.has(f.properties.id);
    const candidates = features.filter(isCandidate).map((f) => asCluster(f.properties.id));
    const partners = filters.bundle
      ? features
          .filter((f) => !isCandidate(f) && f.properties.management === "professional" && !inSaved.has(f.properties.id))
          .map((f) => asCluster(f.properties.id))
      : [];
    const limit = (k: "minHouseholds" | "maxHouseholds" | "maxSpanM") => limitOf(filters, r, k);
    void p.autoCluster(candidates, partners, {
      minHouseholds: limit("minHouseholds"),
      maxHouseholds: limit("maxHouseholds"),
      maxSpanM: limit("maxSpanM"),
      detourFactor: r?.detourFactor ?? 1,
      bundleManaged: filters.bundle,
    });
  };

  // Clicking compounds adds or removes them while editing the current cluster.
  const { toggleMember } = p;
  useEffect(() => {
    if (!editing || !current) {
      onCaptureClicks(null);
      return;
    }
    onCaptureClicks(toggleMember);
    return () => onCaptureClicks(null);
  }, [editing, current, onCaptureClicks, toggleMember]);

  // Colours and the current cluster's outline on the map.
  useEffect(() => {
    onColors(clusterColours(plan));
  }, [plan, onColors]);
  useEffect(() => {
    onOverlay(
      clusterOverlay({
        adjacency: showGraph ? (adjacency?.edges ?? null) : null,
        outline: cur ? (sheet?.outline ?? null) : null,
        site: site?.proposal ?? null,
      }),
    );
  }, [sheet, site, cur, onOverlay, showGraph, adjacency]);
  useEffect(
    () => () => {
      onColors(undefined);
      onOverlay(undefined);
    },
    [onColors, onOverlay],
  );

  const memberBounds = (ids: number[]) =>
    unionBounds(
      ids
        .map((id) => byId.get(id))
        .filter((f) => !!f)
        .map((f) => geometryBounds(f!.geometry)),
    );
  const select = (k: string) => {
    p.setCurrent(k);
    setEditing(false);
    const b = memberBounds(plan.find((x) => x.key === k)?.members ?? []);
    if (b) onZoomTo(b);
  };
  const households = (c: { members: number[] }) => c.members.reduce((s, id) => s + (byId.get(id)?.properties.households ?? 0), 0);
  const memberNames = (ids: number[]) => ids.map((id) => byId.get(id)?.properties.name ?? id).join("、");
  const warningText = (w: Sheet["warnings"][number]) => {
    if (w.code === "in_other_cluster") return t("cluster.warn.in_other_cluster");
    if (w.code === "span_too_long" && w.value === null) return t("cluster.warn.span_unconnected", { limit: num(w.limit ?? 0) });
    const known = ["not_contiguous", "span_too_long", "too_few_households", "too_many_households"] as const;
    return (known as readonly string[]).includes(w.code)
      ? t(`cluster.warn.${w.code}` as MessageKey, { value: num(Number(w.value ?? 0)), limit: num(Number(w.limit ?? 0)) })
      : w.message;
  };

  return (
    <section className="clusters" data-testid="cluster-panel">
      <h3>{t("cluster.title")}</h3>
      <p className="hint">{t("cluster.intro")}</p>
      {error && <ErrorBox error={error} />}
      {error?.status === 409 && (
        <button type="button" onClick={() => void p.loadSaved()}>
          {t("edit.reload")}
        </button>
      )}
      <ClusterForm filters={filters} onChange={setFilters} rules={r} subdistricts={subdistricts} />
      <label className="toggle">
        <input type="checkbox" data-testid="adjacency-toggle" checked={showGraph} onChange={(e) => setShowGraph(e.target.checked)} />
        {t("cluster.showGraph")}
      </label>
      <button type="button" data-testid="cluster-auto" disabled={busy || analysis.status !== "ready" || !r} onClick={autoCluster}>
        {t("cluster.auto")}
      </button>
      {(analysis.status === "loading" || busy) && <Loading />}

      {plan.length === 0 ? (
        <Empty text={t("cluster.none")} />
      ) : (
        <ul className="cluster-list" data-testid="cluster-list">
          {plan.map((c, i) => (
            <li key={c.key} data-testid="cluster-item" data-key={c.key} data-saved={c.savedId ? "true" : "false"} className={c.key === current ? "active" : ""}>
              <span className="swatch" style={{ background: CLUSTER_COLORS[i % CLUSTER_COLORS.length] }} />
              <button type="button" className="link" data-testid="cluster-select" onClick={() => select(c.key)}>
                {c.name}
              </button>
              <small>
                {t("cluster.listLine", { compounds: c.members.length, households: num(households(c)) })}
                {c.savedId ? ` · ${t(`cluster.status.${c.status ?? "draft"}` as MessageKey)}` : ` · ${t("cluster.unsaved")}`}
              </small>
            </li>
          ))}
        </ul>
      )}
      {p.unassigned.length > 0 && (
        <details data-testid="cluster-unassigned">
          <summary>{t("cluster.unassigned", { count: num(p.unassigned.length) })}</summary>
          <ul className="small">
            {p.unassigned.map((u) => (
              <li key={u.id}>
                {byId.get(u.id)?.properties.name ?? u.id}：{reasonText(u)}
              </li>
            ))}
          </ul>
        </details>
      )}

      {cur && (
        <div className="cluster-current" data-testid="cluster-current">
          <h3>{cur.name}</h3>
          {canEdit && (
            <>
              <div className="row">
                <input aria-label={t("cluster.name")} data-testid="cluster-name" value={cur.name} onChange={(e) => p.patchCur({ name: e.target.value })} />
                <input
                  type="number"
                  aria-label={t("cluster.planYear")}
                  placeholder={t("cluster.planYear")}
                  value={cur.planYear ?? ""}
                  onChange={(e) => p.patchCur({ planYear: e.target.value ? Number(e.target.value) : null })}
                />
                <select aria-label={t("cluster.statusLabel")} value={cur.status ?? "draft"} onChange={(e) => p.patchCur({ status: e.target.value })}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`cluster.status.${s}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="row">
                <label className="toggle">
                  <input type="checkbox" data-testid="cluster-edit" checked={editing} onChange={(e) => setEditing(e.target.checked)} />
                  {t("cluster.clickToEdit")}
                </label>
              </div>
              <div className="row">
                <button type="button" data-testid="cluster-split" disabled={cur.members.length < 2} onClick={() => p.split((id) => asCluster(id).centroid)}>
                  {t("cluster.split")}
                </button>
                <select aria-label={t("cluster.mergeWith")} value={mergeWith} onChange={(e) => setMergeWith(e.target.value)}>
                  <option value="">{t("cluster.mergeWith")}</option>
                  {plan
                    .filter((c) => c.key !== cur.key && !c.savedId)
                    .map((c) => (
                      <option key={c.key} value={c.key}>
                        {c.name}
                      </option>
                    ))}
                </select>
                <button
                  type="button"
                  data-testid="cluster-merge"
                  disabled={!mergeWith}
                  onClick={() => {
                    p.merge(mergeWith);
                    setMergeWith("");
                  }}
                >
                  {t("cluster.merge")}
                </button>
              </div>
              <div className="row">
                <button type="button" data-testid="cluster-save" disabled={busy || !cur.name.trim() || !cur.members.length} onClick={() => void p.save()}>
                  {cur.savedId ? t("cluster.update") : t("cluster.save")}
                </button>
                <button type="button" className="link danger" onClick={() => void p.remove((c) => confirm(t("cluster.confirmDelete", { name: c.name })))}>
                  {t("cluster.delete")}
                </button>
                <button
                  type="button"
                  data-testid="cluster-print"
                  disabled={!sheet}
                  onClick={() =>
                    void p.run(async () => {
                      // Items may lie up to ITEM_MAX_OUTSIDE_M outside their compound: the frame holds them all.
                      const b = memberBounds(cur.members);
                      setPrinting(b ? await captureMap(growBounds(b, ITEM_MAX_OUTSIDE_M)) : null);
                    })
                  }
                >
                  {t("cluster.print")}
                </button>
                {cur.savedId && (
                  <a href={`/api/clusters/${cur.savedId}/export.geojson`} download>
                    GeoJSON
                  </a>
                )}
                {cur.savedId && (
                  <a href={`/api/clusters/${cur.savedId}/export.csv`} download>
                    CSV
                  </a>
                )}
              </div>
            </>
          )}
          <p className="note" data-testid="cluster-members">
            {t("cluster.members", { names: memberNames(cur.members) })}
          </p>
          {/* One check of a cluster (the engine's): the server's answer when there is one, else the worker's. */}
          {(sheet?.warnings ?? engine?.violations ?? []).map((w) => (
            <p key={w.code} className="note warn" data-testid="cluster-warning" data-code={w.code}>
              ⚠ {warningText(w)}
            </p>
          ))}
          {!sheet ? error?.status === 401 ? null : <Loading /> : <ClusterSheetView sheet={sheet} engine={engine} site={site} categoryName={categoryName} />}
        </div>
      )}
      {cur && sheet && printing !== undefined && (
        <ClusterReport
          name={cur.name}
          memberNames={memberNames(cur.members)}
          sheet={sheet}
          engine={engine}
          site={site}
          map={printing}
          outline={polygonRings(sheet.outline as { type: string; coordinates: unknown } | null)}
          categoryName={categoryName}
          onClose={() => setPrinting(undefined)}
        />
      )}
    </section>
  );
}
