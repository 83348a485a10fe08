import { useState } from "react";
import type { IsochroneSummary } from "../../analysis/session";
import type { ScenarioChanges } from "../../analysis/whatif";
import { useI18n } from "../../i18n";
import { ISOCHRONE_MINUTES } from "./Isochrones";
import type { AnalysisState } from "./useAnalysis";
import type { RunTask } from "./useCoverageResult";

/** The isochrones shown: their bands and, when drawn from a picked point, that point. */
export interface IsochroneView {
  origin: [number, number] | null;
  bands: IsochroneSummary[];
}

/**
 * Walking-time isochrones (ISOCHRONE_MINUTES at the profile's walking speed, with the scenario's
 * changes) from a point picked on the map or from a compound's gates. A start off the walk
 * network is told through `say`.
 */
export function useIsochrone({
  analysis,
  changes,
  walkSpeedMps,
  requestPick,
  run,
  say,
}: {
  analysis: AnalysisState;
  changes: ScenarioChanges;
  walkSpeedMps: number;
  requestPick(what: string): Promise<[number, number] | null>;
  run: RunTask;
  say(message: string | null): void;
}) {
  const { t } = useI18n();
  const [iso, setIso] = useState<IsochroneView | null>(null);
  const isoFrom = (from: { lonLat: [number, number] } | { compoundId: number }, origin: [number, number] | null) =>
    run(async () => {
      const bands = await analysis.call<IsochroneSummary[] | null>({
        type: "isochrone",
        from,
        limitsM: ISOCHRONE_MINUTES.map((m) => m * 60 * walkSpeedMps),
        changes,
      });
      if (!bands) say(t("iso.offNetwork"));
      else {
        say(null);
        setIso({ origin, bands });
      }
    });
  const fromPoint = async () => {
    const pt = await requestPick(t("iso.pickPoint"));
    if (pt) await isoFrom({ lonLat: pt }, pt);
  };
  const fromCompound = (compoundId: number) => isoFrom({ compoundId }, null);
  return { iso, fromPoint, fromCompound, clear: () => setIso(null) };
}
