import { useEffect, useRef } from "react";
import { type ApiError, fetchJson } from "../../api/client";
import { problemText } from "../../api/problems";
import { useSession } from "../../api/session";
import { useI18n } from "../../i18n";
import type { Scenario } from "./Scenarios";

/**
 * Keeps the loaded what-if scenario and the link's `scenario=<id>` in step. A link opens its
 * scenario once the reader is known to be signed in (scenarios are internal work); loading or
 * clearing one in the panel rewrites the link. A scenario that cannot be read (deleted, or
 * signed out) is said in the UI's language and dropped from the link.
 */
export function useScenarioLink({
  wanted,
  loaded,
  load,
  onScenario,
  say,
}: {
  /** The id the link names, or null. */
  wanted: number | null;
  /** The scenario the panel has loaded, or null for the baseline. */
  loaded: Scenario | null;
  load(s: Scenario): void;
  onScenario(id: number | null): void;
  say(message: string | null): void;
}) {
  const { t, lookup } = useI18n();
  const session = useSession();
  const loadedId = loaded?.id ?? null;
  // Until the link's scenario has been opened (or refused), the panel's "none loaded" is not a choice to write back.
  const restoring = useRef(wanted !== null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the link or the reader changes, not when the panel's callbacks do
  useEffect(() => {
    if (!session.loaded || wanted === null || wanted === loadedId) return;
    if (!session.user) {
      say(t("scenario.signInToOpen"));
      return;
    }
    let live = true;
    fetchJson<Scenario>(`/api/scenarios/${wanted}`).then(
      (s) => {
        if (!live) return;
        restoring.current = false;
        load(s);
      },
      (err: ApiError) => {
        if (!live) return;
        restoring.current = false;
        say(t("scenario.cannotOpen", { id: wanted, message: problemText(lookup, err) }));
        onScenario(null);
      },
    );
    return () => {
      live = false;
    };
  }, [session.loaded, session.user, wanted]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the loaded scenario only
  useEffect(() => {
    if (restoring.current || loadedId === wanted) return;
    onScenario(loadedId);
  }, [loadedId]);
}
