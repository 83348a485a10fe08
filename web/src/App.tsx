import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ALL_LAYERS, type EditedLayer } from "./api/edit-scope";
import {
  useAmenities,
  useBuildings,
  useClientConfig,
  useCompound,
  useCompounds,
  useCosts,
  useExternalStyle,
  useGates,
  useProgress,
  useCommunities,
  useFeedbackCounts,
  useItems,
  useStandards,
  useStreets,
  useSubdistricts,
  useWater,
} from "./api/resources";
import { useSession } from "./api/session";
import { SignIn } from "./components/SignIn";
import { AdminPanel } from "./views/AdminPanel";
import { CompoundCard } from "./components/CompoundCard";
import type { PickedBuilding } from "./components/CompoundEditor";
import { Search } from "./components/Search";
import { ErrorBox } from "./components/States";
import { useI18n } from "./i18n";
import { MapView } from "./map/MapView";
import { feedbackLayer } from "./map/style";
import type { Map as MapLibreMap } from "maplibre-gl";
import { bboxOf } from "./analysis/geo";
import type { CaptureMap } from "./map/print-frame";
import { useUrlState, VIEWS, type MapPosition, type View } from "./state/url";
import { CoveragePanel } from "./views/CoveragePanel";
import type { RegionColours } from "./views/coverage/RollUps";
import { useAmenityCard } from "./views/coverage/useAmenityCard";
import { useAnalysis } from "./views/coverage/useAnalysis";
import { FeedbackPanel } from "./views/FeedbackPanel";
import { PlannerPanel } from "./views/PlannerPanel";
import { ProgressPanel } from "./views/ProgressPanel";

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the app shell: wires every resource hook to the views; the rest is the page layout
export function App() {
  const { t, lang, setLang } = useI18n();
  const { isAdmin, canEdit, user } = useSession();
  const [url, setUrl] = useUrlState();
  const [initialPosition] = useState(url.map);
  const [flyRequest, setFlyRequest] = useState(url.compound !== null && url.map === null ? 1 : 0);
  const [show3d, setShow3d] = useState(false);

  const config = useClientConfig();
  // A city larger than a district is drawn from vector tiles (the server says which layers); those
  // layers are then not loaded as GeoJSON, except the buildings the planner's panel counts.
  const tiledLayers = useMemo(() => config.data?.tiledLayers ?? [], [config.data]);
  const [tileVersion, setTileVersion] = useState(0);
  const wantLayer = (layer: string) => !config.isLoading && !tiledLayers.includes(layer);
  const compounds = useCompounds();
  const progress = useProgress();
  const standards = useStandards();
  const costs = useCosts();
  const buildings = useBuildings(wantLayer("buildings") || (!config.isLoading && url.view === "planner"));
  const streets = useStreets(wantLayer("streets"));
  const water = useWater(wantLayer("water"));
  const amenities = useAmenities();
  const gates = useGates();
  const detail = useCompound(url.compound);
  const subdistricts = useSubdistricts();
  const items = useItems();
  const communities = useCommunities();
  const feedbackCounts = useFeedbackCounts();
  const feedbackPoints = useMemo(() => feedbackLayer(feedbackCounts.data), [feedbackCounts.data]);
  const [analysisOverlay, setAnalysisOverlay] = useState<{ type: "FeatureCollection"; features: unknown[] } | undefined>();
  const [compoundColors, setCompoundColors] = useState<Map<number, string> | undefined>();
  const [regionColours, setRegionColours] = useState<RegionColours | undefined>();
  // The analysis worker starts the first time an analysis view opens and then stays.
  const [analysisWanted, setAnalysisWanted] = useState(false);
  useEffect(() => {
    if (url.view === "coverage" || url.view === "planner") setAnalysisWanted(true);
  }, [url.view]);
  const analysis = useAnalysis(analysisWanted ? { compounds: compounds.data, gates: gates.data, amenities: amenities.data, standards: standards.data } : null);
  // The planner's cluster editing takes compound clicks while it is on.
  const [clickCapture, setClickCapture] = useState<{ fn: (id: number) => void } | null>(null);
  const captureClicks = useCallback((fn: ((id: number) => void) | null) => setClickCapture(fn ? { fn } : null), []);
  const [fit, setFit] = useState<{ n: number; bounds: [number, number, number, number] } | undefined>();
  const zoomTo = useCallback((b: [number, number, number, number]) => setFit((f) => ({ n: (f?.n ?? 0) + 1, bounds: b })), []);
  // The printable report takes the map as an image, framed on its subdistrict.
  const mapRef = useRef<MapLibreMap | null>(null);
  const onMap = useCallback((map: MapLibreMap | null) => {
    mapRef.current = map;
  }, []);
  const captureMap = useCallback<CaptureMap>(async (b) => {
    const map = mapRef.current;
    if (!map) return null;
    map.fitBounds(
      [
        [b[0], b[1]],
        [b[2], b[3]],
      ],
      { padding: 30, duration: 0 },
    );
    await new Promise<void>((resolve) => {
      map.once("idle", () => resolve());
      map.triggerRepaint();
    });
    try {
      const canvas = map.getCanvas();
      const shown = map.getBounds();
      return {
        image: canvas.toDataURL("image/png"),
        bounds: [shown.getWest(), shown.getSouth(), shown.getEast(), shown.getNorth()],
        width: canvas.width,
        height: canvas.height,
      };
    } catch {
      return null;
    }
  }, []);
  // A pick on the map: `step` counts the picks asked for, so a two-step pick (a facility, then where
  // it moves to) shows a new step on the banner (data-step) when the second point is asked for.
  const [pick, setPick] = useState<{ what: string; step: number } | null>(null);
  // What dragging a proposed facility on the map does (the coverage view registers it).
  const [dragProposed, setDragProposed] = useState<{ fn: (key: string, lonLat: [number, number]) => void } | null>(null);
  const registerDrag = useCallback((fn: ((key: string, lonLat: [number, number]) => void) | null) => setDragProposed(fn ? { fn } : null), []);
  const pickResolve = useRef<((p: [number, number] | null) => void) | null>(null);
  const pickSeq = useRef(0);
  const requestPick = useCallback(
    (what: string) =>
      new Promise<[number, number] | null>((resolve) => {
        pickResolve.current?.(null);
        pickResolve.current = resolve;
        setPick({ what, step: ++pickSeq.current });
      }),
    [],
  );
  const endPick = useCallback((p: [number, number] | null) => {
    pickResolve.current?.(p);
    pickResolve.current = null;
    setPick(null);
  }, []);
  // After a write: the compound's card, and only the layers the write changed (the analysis worker
  // restarts only when what it reads changed: compounds' households, gates).
  const reloadAfterEdit = useCallback(
    (layers: readonly EditedLayer[] = ALL_LAYERS) => {
      detail.reload();
      if (layers.includes("compounds")) {
        compounds.reload();
        progress.reload();
      }
      if (layers.includes("gates")) gates.reload();
      if (layers.includes("buildings")) buildings.reload();
      if (layers.includes("items")) items.reload();
      if (layers.some((l) => tiledLayers.includes(l))) setTileVersion((v) => v + 1);
    },
    [compounds.reload, progress.reload, detail.reload, gates.reload, buildings.reload, items.reload, tiledLayers],
  );
  const selection = useMemo(() => {
    const d = detail.data;
    if (!d) return undefined;
    return {
      type: "FeatureCollection" as const,
      features: [
        ...d.renovationItems
          .filter((i) => i.geometry)
          .map((i) => ({ ...i, properties: { layer: "item", nameZh: i.properties.nameZh, kind: i.properties.kind } })),
        ...d.gates.features.map((g) => ({ ...g, properties: { layer: "gate", name: g.properties.name } })),
      ],
    };
  }, [detail.data]);
  const externalStyle = useExternalStyle(config.data?.basemapStyleUrl ?? null);
  // The map waits for the configuration; without it (or if the external style fails) it draws ours.
  const mapCanStart = !config.isLoading && !externalStyle.isLoading;

  const statusCounts = useMemo(() => {
    const counts: Record<string, number> = {};
    for (const f of compounds.data?.features ?? []) {
      if (url.year === null || f.properties.planYear === url.year) counts[f.properties.status] = (counts[f.properties.status] ?? 0) + 1;
    }
    return counts;
  }, [compounds.data, url.year]);

  const bounds = useMemo(() => {
    const fs = compounds.data?.features;
    if (!fs?.length) return undefined;
    return bboxOf(fs.map((f) => f.geometry.coordinates));
  }, [compounds.data]);

  const pickCompound = useCallback(
    (id: number) => {
      setUrl({ compound: id });
      setFlyRequest((n) => n + 1);
    },
    [setUrl],
  );
  const select = useCallback(
    (id: number | null) => {
      if (id !== null && clickCapture && url.view === "planner") clickCapture.fn(id);
      else setUrl({ compound: id });
    },
    [setUrl, clickCapture, url.view],
  );
  const move = useCallback((map: MapPosition) => setUrl({ map }), [setUrl]);
  const focusCategory = useCallback((category: string | null) => setUrl({ category }), [setUrl]);
  const chooseColour = useCallback((colour: string | null) => setUrl({ colour }), [setUrl]);
  const chooseScenario = useCallback((scenario: number | null) => setUrl({ scenario }), [setUrl]);
  const describeAmenity = useAmenityCard(standards.data, analysis);
  // Planner view, editing a compound: a click on a building points the elevator form at it (and selects its compound).
  const [pickedBuilding, setPickedBuilding] = useState<PickedBuilding | null>(null);
  const pickBuildingOn = url.view === "planner" && canEdit && !clickCapture;
  const pickBuilding = useCallback(
    (b: { id: number; compoundId: number }) => {
      setPickedBuilding((p) => ({ id: b.id, n: (p?.n ?? 0) + 1 }));
      setUrl({ compound: b.compoundId });
    },
    [setUrl],
  );
  const mapData = useMemo(
    () => ({
      compounds: compounds.data,
      buildings: buildings.data,
      gates: gates.data,
      amenities: amenities.data,
      streets: streets.data,
      water: water.data,
      items: items.data,
      subdistricts: subdistricts.data,
      communities: communities.data,
      feedback: feedbackPoints,
    }),
    [compounds.data, buildings.data, gates.data, amenities.data, streets.data, water.data, items.data, subdistricts.data, communities.data, feedbackPoints],
  );

  const mapErrors = Object.entries({ compounds, streets, buildings, externalStyle }).filter(([, s]) => s.error);

  return (
    <div className={`app view-${url.view}`}>
      <header className="top">
        <div className="brand">
          <h1 data-testid="app-title">{t("app.title")}</h1>
          <p>{t("app.subtitle")}</p>
        </div>
        {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the view tabs are the page's navigation landmark and a tablist */}
        <nav className="tabs" role="tablist">
          {VIEWS.filter((v) => (v !== "admin" || isAdmin) && (v !== "feedback" || user !== null)).map((v: View) => (
            <button
              key={v}
              type="button"
              role="tab"
              data-testid={`tab-${v}`}
              aria-selected={url.view === v}
              className={url.view === v ? "active" : ""}
              onClick={() => setUrl({ view: v })}
            >
              {t(`tab.${v}`)}
            </button>
          ))}
        </nav>
        <Search compounds={compounds.data?.features ?? []} onPick={pickCompound} />
        <SignIn />
        <button
          type="button"
          className="lang"
          data-testid="lang-switch"
          aria-label={t("lang.switchLabel")}
          onClick={() => setLang(lang === "zh-CN" ? "en" : "zh-CN")}
        >
          {t("lang.switch")}
        </button>
      </header>
      <main className="body">
        <div className="side">
          {mapErrors.map(([layer, s]) => (
            <ErrorBox key={layer} error={s.error!} onRetry={s.reload} />
          ))}
          {url.view === "progress" && <ProgressPanel progress={progress} year={url.year} onYear={(year) => setUrl({ year })} statusCounts={statusCounts} />}
          {url.view === "coverage" && (
            <CoveragePanel
              standards={standards}
              amenities={amenities}
              compounds={compounds}
              gates={gates}
              subdistricts={subdistricts}
              communities={communities}
              selectedId={url.compound}
              focus={url.category}
              onFocus={focusCategory}
              colour={url.colour}
              onColour={chooseColour}
              scenarioId={url.scenario}
              onScenario={chooseScenario}
              onZoomTo={pickCompound}
              requestPick={requestPick}
              onDragHandler={registerDrag}
              onOverlay={setAnalysisOverlay}
              onColors={setCompoundColors}
              onRegions={setRegionColours}
              captureMap={captureMap}
              analysis={analysis}
            />
          )}
          {url.view === "planner" && (
            <PlannerPanel
              standards={standards}
              amenities={amenities}
              buildings={buildings}
              show3d={show3d}
              onShow3d={setShow3d}
              compounds={compounds}
              gates={gates}
              analysis={analysis}
              onColors={setCompoundColors}
              onOverlay={setAnalysisOverlay}
              onCaptureClicks={captureClicks}
              onZoomTo={zoomTo}
              captureMap={captureMap}
            />
          )}
          {url.view === "feedback" && <FeedbackPanel onModerated={feedbackCounts.reload} onZoomTo={pickCompound} />}
          {url.view === "admin" && <AdminPanel onImported={() => reloadAfterEdit(ALL_LAYERS)} />}
        </div>
        <div className="mapcol">
          {mapCanStart && (
            <MapView
              externalStyle={externalStyle.data}
              tiledLayers={tiledLayers}
              tileVersion={tileVersion}
              data={mapData}
              view={url.view}
              year={url.view === "progress" ? url.year : null}
              selectedId={url.compound}
              flyRequest={flyRequest}
              show3d={show3d}
              initialPosition={initialPosition}
              initialBounds={bounds}
              onSelect={select}
              onMove={move}
              onMap={onMap}
              loadingLabel={t("map.loading")}
              attribution={t("map.attribution")}
              picking={pick !== null}
              onDragProposed={dragProposed?.fn}
              onPickPoint={(p) => endPick(p)}
              selection={selection}
              analysis={url.view === "coverage" || url.view === "planner" ? analysisOverlay : undefined}
              compoundColors={url.view === "coverage" || url.view === "planner" ? compoundColors : undefined}
              regions={url.view === "coverage" ? regionColours : undefined}
              fitRequest={fit}
              amenityCategory={url.view === "coverage" ? url.category : null}
              describeAmenity={describeAmenity}
              onPickBuilding={pickBuildingOn ? pickBuilding : undefined}
              pickedBuilding={pickedBuilding?.id ?? null}
            />
          )}
          {pick && (
            <div className="pick-banner" role="status" data-testid="pick-banner" data-step={pick.step}>
              {t("edit.pickPrompt", { what: pick.what })}
              <button type="button" onClick={() => endPick(null)}>
                {t("edit.pickCancel")}
              </button>
            </div>
          )}
          {url.compound !== null && (
            <CompoundCard
              key={url.compound}
              detail={detail}
              costs={costs.data}
              onClose={() => select(null)}
              editable={url.view === "planner"}
              onChanged={reloadAfterEdit}
              requestPick={requestPick}
              pickedBuilding={pickedBuilding}
              feedback={feedbackCounts.data?.compounds.find((c) => c.compoundId === url.compound)}
              onFeedbackSent={feedbackCounts.reload}
            />
          )}
        </div>
      </main>
    </div>
  );
}
