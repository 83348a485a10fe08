import { useEffect, useState } from "react";
import type { ApiState } from "../api/client";
import type { CaptureMap } from "../map/print-frame";
import type { Amenities, Compounds, Gates, Layer, StandardsProfile } from "../api/resources";
import { useSession } from "../api/session";
import type { CoverageResult } from "../analysis/coverage";
import { ErrorBox, Loading } from "../components/States";
import { useI18n } from "../i18n";
import { CategoryLegend } from "./CategoryLegend";
import { ByCategory } from "./coverage/ByCategory";
import { ColourBy } from "./coverage/ColourBy";
import { CompoundGaps } from "./coverage/CompoundGaps";
import { CoverageSummary } from "./coverage/CoverageSummary";
import { GapTable } from "./coverage/GapTable";
import { IsochroneSection } from "./coverage/IsochroneSection";
import { COLOUR_MODES, coverageColours, coverageOverlay, type ColourMode } from "./coverage/overlay";
import { CoverageReport } from "./coverage/Report";
import { RollUps, type RegionColours } from "./coverage/RollUps";
import { SitingSection } from "./coverage/SitingSection";
import type { AnalysisState } from "./coverage/useAnalysis";
import { useCoverageResult } from "./coverage/useCoverageResult";
import { useIsochrone } from "./coverage/useIsochrone";
import { useCategoryNames, useLookups } from "./coverage/useLookups";
import { useReport } from "./coverage/useReport";
import { describeChanges } from "./coverage/useWhatIf";
import { useScenarioLink } from "./coverage/useScenarioLink";
import { useSiting } from "./coverage/useSiting";
import { useWhatIf } from "./coverage/useWhatIf";
import { WhatIfSection } from "./coverage/WhatIfSection";
import type { FC } from "./planner/overlay";

export interface CoveragePanelProps {
  standards: ApiState<StandardsProfile>;
  amenities: ApiState<Amenities>;
  compounds: ApiState<Compounds>;
  gates: ApiState<Gates>;
  subdistricts: ApiState<Layer>;
  communities: ApiState<Layer>;
  selectedId: number | null;
  /** The chosen facility category (kept in the URL), or null for all; a code the profile lacks counts as none. */
  focus: string | null;
  onFocus(code: string | null): void;
  /** The colour mode the link names (null or unknown: the default), and how a choice is kept there. */
  colour: string | null;
  onColour(mode: string | null): void;
  /** The saved scenario the link names, and how loading or clearing one is kept there. */
  scenarioId: number | null;
  onScenario(id: number | null): void;
  onZoomTo(id: number): void;
  requestPick(what: string): Promise<[number, number] | null>;
  /** Registers what a drag of a proposed facility on the map does (null: nothing to drag). */
  onDragHandler?(handler: ((key: string, lonLat: [number, number]) => void) | null): void;
  onOverlay(fc: FC | undefined): void;
  onColors(colours: Map<number, string> | undefined): void;
  /** The roll-up choropleth to draw (undefined: none). */
  onRegions(regions: RegionColours | undefined): void;
  /** Show a region on the map and return the drawn map as an image (data URL). */
  captureMap: CaptureMap;
  /** The analysis worker (shared with the planner view). */
  analysis: AnalysisState;
}

/**
 * Bureau staff's view: walking coverage of every compound against the standards profile, the
 * gaps, district roll-ups, isochrones, what-if scenarios and suggested sites. State lives in the
 * hooks of ./coverage (result, what-if, isochrones, siting, report), what the map shows in
 * ./coverage/overlay.ts; this is their wiring and the panel's layout.
 */
export function CoveragePanel(p: CoveragePanelProps) {
  const { t } = useI18n();
  const { user } = useSession();
  const { analysis } = p;
  const { categories, categoryName, catLabel } = useCategoryNames(p.standards.data);
  const { info, subdistricts, communities, amenityById } = useLookups({
    compounds: p.compounds.data,
    subdistricts: p.subdistricts.data,
    communities: p.communities.data,
    amenities: p.amenities.data,
  });
  const focus = categories.some((c) => c.code === p.focus) ? p.focus : null;
  const setFocus = p.onFocus;
  // A note on the last pick (off the network, no facility there, no compound selected).
  const [message, setMessage] = useState<string | null>(null);
  const { selectedId, requestPick, onDragHandler } = p;
  const whatIf = useWhatIf({ amenityById, selectedId, categoryName, requestPick, say: setMessage, onDragHandler });
  const { changes } = whatIf;
  useScenarioLink({ wanted: p.scenarioId, loaded: whatIf.scenario, load: whatIf.load, onScenario: p.onScenario, say: setMessage });
  const { result, computing, taskError, run } = useCoverageResult({ analysis, changes });
  const canCompare = Boolean(result?.changes);
  const { mode, setMode } = colourMode(p.colour, p.onColour, canCompare);
  const walkSpeedMps = p.standards.data?.walkSpeedsMps?.default ?? 1;
  const isochrone = useIsochrone({ analysis, changes, walkSpeedMps, requestPick: p.requestPick, run, say: setMessage });
  const siting = useSiting({ analysis, changes, run });
  const { report, open: openReport, close: closeReport } = useReport({ subdistricts, boundaries: p.subdistricts.data, info, captureMap: p.captureMap, run });
  useMapOutput(p, { result, mode, focus, categories }, { iso: isochrone.iso, changes, sites: siting.sites, amenityById });

  return (
    <div className="panel coverage" data-testid="coverage-panel" data-status={analysis.status} data-computing={computing ? "true" : "false"}>
      <h2>{t("coverage.title")}</h2>
      <p className="hint">{t("coverage.intro")}</p>
      <PanelStates inputs={p} analysis={analysis} taskError={taskError} message={message} />
      {analysis.status === "ready" && result && (
        <>
          <CoverageSummary analysis={analysis} result={result} compounds={p.compounds.data} categoryName={categoryName} />
          <ColourBy
            mode={mode}
            onMode={setMode}
            canCompare={canCompare}
            focus={focus}
            onFocus={setFocus}
            standards={p.standards.data}
            catLabel={catLabel}
            categoryName={categoryName}
          />
          <ByCategory result={result} focus={focus} onFocus={setFocus} categoryName={categoryName} />
          <IsochroneSection isochrone={isochrone} selectedId={p.selectedId} amenityById={amenityById} categoryName={categoryName} />
          <SitingSection siting={siting} categories={categories} catLabel={catLabel} onAdd={user ? whatIf.addSite : undefined} />
          <WhatIfSection
            whatIf={whatIf}
            signedIn={Boolean(user)}
            result={result}
            categories={categories}
            categoryName={categoryName}
            info={info}
            amenityById={amenityById}
            onZoomTo={p.onZoomTo}
            baseline={analysis.baseline}
          />
          {p.selectedId !== null && (
            <CompoundGaps
              compoundId={p.selectedId}
              info={info}
              result={result}
              changes={changes}
              analysis={analysis}
              categories={categories}
              categoryName={categoryName}
              amenityById={amenityById}
            />
          )}
          <GapTable result={result} info={info} focus={focus} categoryName={categoryName} subdistricts={subdistricts} onZoom={p.onZoomTo} />
          <RollUps
            result={result}
            info={info}
            focus={focus}
            subdistricts={subdistricts}
            communities={communities}
            onReport={openReport}
            onRegions={p.onRegions}
          />
        </>
      )}
      {p.standards.data && <FacilityLegend standards={p.standards.data} amenities={p.amenities.data} />}
      {report && result && (
        <CoverageReport
          subdistrict={report.subdistrict}
          map={report.map}
          outline={report.outline}
          scenario={{ name: whatIf.scenario?.name ?? null, changes: describeChanges(changes, { t, categoryName, info, amenityById }).map((c) => c.text) }}
          result={result}
          info={info}
          communities={communities}
          categories={categories.map((c) => ({ code: c.code, name: categoryName(c.code), limitM: c.limitM }))}
          legend={{ mode, focus, standards: p.standards.data }}
          onClose={closeReport}
        />
      )}
    </div>
  );
}

/**
 * What the map shows while the panel is open: compound fills by coverage, and the overlay of
 * isochrones, proposed changes and suggested sites. Both are cleared when the panel closes.
 */
function useMapOutput(
  { onColors, onOverlay }: Pick<CoveragePanelProps, "onColors" | "onOverlay">,
  fills: { result: CoverageResult | undefined; mode: ColourMode; focus: string | null; categories: StandardsProfile["categories"] },
  overlay: Parameters<typeof coverageOverlay>[0],
) {
  const { result, mode, focus, categories } = fills;
  const { iso, changes, sites, amenityById } = overlay;
  useEffect(() => {
    onColors(result ? coverageColours(result, mode, focus, categories) : undefined);
  }, [result, mode, focus, categories, onColors]);
  useEffect(
    () => () => {
      onColors(undefined);
      onOverlay(undefined);
    },
    [onColors, onOverlay],
  );
  useEffect(() => {
    onOverlay(coverageOverlay({ iso, changes, sites, amenityById }));
  }, [iso, changes, sites, amenityById, onOverlay]);
}

/** The panel's states: inputs that failed to load (each with a retry), loading, the worker's errors, the last pick's note. */
function PanelStates({
  inputs,
  analysis,
  taskError,
  message,
}: {
  inputs: Pick<CoveragePanelProps, "standards" | "amenities" | "compounds" | "gates" | "subdistricts" | "communities">;
  analysis: AnalysisState;
  taskError: string | null;
  message: string | null;
}) {
  const { t } = useI18n();
  const loadingInputs = [inputs.standards, inputs.amenities, inputs.compounds, inputs.gates].some((s) => s.isLoading);
  const inputErrors = Object.entries({
    standards: inputs.standards,
    amenities: inputs.amenities,
    gates: inputs.gates,
    subdistricts: inputs.subdistricts,
    communities: inputs.communities,
  }).filter(([, s]) => s.error);
  return (
    <>
      {inputErrors.map(([input, s]) => (
        <ErrorBox key={input} error={s.error!} onRetry={s.reload} />
      ))}
      {(loadingInputs || analysis.status === "loading") && (
        <div data-testid="coverage-loading">
          <Loading />
          <p className="note">{t("cov.loadingNetwork")}</p>
        </div>
      )}
      {analysis.status === "error" && <EngineError detail={analysis.error ?? ""} />}
      {taskError && <EngineError detail={taskError} />}
      {message && (
        <p className="note warn" role="status" data-testid="coverage-message">
          {message}
        </p>
      )}
    </>
  );
}

/**
 * The analysis engine failed (the walk network did not download, or a bug): said in the UI's
 * language, with the engine's own (English, technical) words folded away for a bug report.
 */
function EngineError({ detail }: { detail: string }) {
  const { t } = useI18n();
  return (
    <div className="state error" role="alert" data-testid="error">
      <p>{t("cov.engineError")}</p>
      {detail && (
        <details>
          <summary>{t("state.technical")}</summary>
          <code>{detail}</code>
        </details>
      )}
    </div>
  );
}

/**
 * The colour mode the link names (unknown: the default) and how a choice is kept there. The change
 * mode needs a scenario's result; until there is one (a link still loading it) the score shows.
 */
function colourMode(chosen: string | null, onColour: (mode: string | null) => void, canCompare: boolean) {
  const named: ColourMode = COLOUR_MODES.find((m) => m === chosen) ?? COLOUR_MODES[0];
  return {
    mode: named === "change" && !canCompare ? COLOUR_MODES[0] : named,
    setMode: (m: ColourMode) => onColour(m === COLOUR_MODES[0] ? null : m),
  };
}

/** The facility markers' legend, folded: each category's mark and how many the city has. */
function FacilityLegend({ standards, amenities }: { standards: StandardsProfile; amenities: Amenities | undefined }) {
  const { t } = useI18n();
  return (
    <details className="legend-details">
      <summary data-testid="facility-legend-toggle">{t("cov.facilityLegend")}</summary>
      <CategoryLegend standards={standards} counts={countByCategory(amenities)} />
    </details>
  );
}

/** Facilities per category, for the legend. */
function countByCategory(amenities: Amenities | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of amenities?.features ?? []) counts[a.properties.category] = (counts[a.properties.category] ?? 0) + 1;
  return counts;
}
