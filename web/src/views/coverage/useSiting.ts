import { useState } from "react";
import type { SiteProposal } from "../../analysis/siting";
import type { ScenarioChanges } from "../../analysis/whatif";
import type { AnalysisState } from "./useAnalysis";
import type { RunTask } from "./useCoverageResult";

/** Suggested sites for one category, best first. */
export interface SiteSuggestions {
  category: string;
  proposals: SiteProposal[];
}

/** Suggested sites: the category and how many to suggest (1–10), and the last suggestions (with the scenario's changes). */
export function useSiting({ analysis, changes, run }: { analysis: AnalysisState; changes: ScenarioChanges; run: RunTask }) {
  const [sites, setSites] = useState<SiteSuggestions | null>(null);
  const [category, setCategory] = useState("kindergarten");
  const [k, setK] = useState(3);
  const suggest = () =>
    run(async () => {
      const proposals = await analysis.call<SiteProposal[]>({ type: "site", category, k, changes });
      setSites({ category, proposals });
    });
  return { sites, category, setCategory, k, setK, suggest };
}
