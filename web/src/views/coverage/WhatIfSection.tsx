import type { Amenities, StandardsProfile } from "../../api/resources";
import type { CoverageResult, CoverageSummary } from "../../analysis/coverage";
import type { SessionCoverage } from "../../analysis/session";
import type { ScenarioChanges } from "../../analysis/whatif";
import { useI18n } from "../../i18n";
import type { CompoundInfo } from "./model";
import { Scenarios } from "./Scenarios";
import { describeChanges, type useWhatIf } from "./useWhatIf";

type Changes = NonNullable<SessionCoverage["changes"]>;

/**
 * What-if: propose facilities (add, move, remove) and gates, see the changes and their effect on
 * coverage, clear them, save or load them as scenarios. Signed-in users only.
 */
export function WhatIfSection({
  whatIf,
  signedIn,
  result,
  categories,
  categoryName,
  info,
  amenityById,
  onZoomTo,
  baseline,
}: {
  whatIf: ReturnType<typeof useWhatIf>;
  signedIn: boolean;
  result: SessionCoverage;
  /** The current situation's coverage, for each category's share before → after. */
  baseline?: CoverageResult;
  categories: StandardsProfile["categories"];
  categoryName(code: string): string;
  info: Map<number, CompoundInfo>;
  amenityById: ReadonlyMap<number, Amenities["features"][number]>;
  onZoomTo(id: number): void;
}) {
  const { t } = useI18n();
  const { changes } = whatIf;
  const changeCount = changes.facilities.length + changes.gates.length;
  return (
    <section className="whatif" data-testid="whatif">
      <h3>{t("whatif.title")}</h3>
      {!signedIn ? (
        <p className="note" data-testid="whatif-signin">
          {t("whatif.signIn")}
        </p>
      ) : (
        <>
          <div className="row">
            <select
              aria-label={t("whatif.category")}
              data-testid="whatif-category"
              value={whatIf.addCategory}
              onChange={(e) => whatIf.setAddCategory(e.target.value)}
            >
              {categories.map((c) => (
                <option key={c.code} value={c.code}>
                  {categoryName(c.code)}
                </option>
              ))}
            </select>
            <button type="button" data-testid="whatif-add" onClick={whatIf.propose}>
              {t("whatif.add")}
            </button>
          </div>
          <div className="row">
            <button type="button" data-testid="whatif-move" onClick={() => whatIf.moveOrRemove("move")}>
              {t("whatif.move")}
            </button>
            <button type="button" data-testid="whatif-remove" onClick={() => whatIf.moveOrRemove("remove")}>
              {t("whatif.remove")}
            </button>
            <button type="button" data-testid="whatif-gate" onClick={whatIf.proposeGate}>
              {t("whatif.gate")}
            </button>
          </div>
          {changeCount === 0 ? (
            <p className="note">{t("whatif.none")}</p>
          ) : (
            <ChangeList changes={changes} onDrop={whatIf.dropChange} categoryName={categoryName} info={info} amenityById={amenityById} />
          )}
          {result.changes && (
            <Effect
              changes={result.changes}
              before={baseline?.byCategory}
              after={result.byCategory}
              categoryName={categoryName}
              info={info}
              onZoomTo={onZoomTo}
            />
          )}
          {changeCount > 0 && (
            <button type="button" className="link" data-testid="whatif-clear" onClick={whatIf.clear}>
              {t("whatif.clear")}
            </button>
          )}
          <Scenarios changes={changes} current={whatIf.scenario} onLoad={whatIf.load} />
        </>
      )}
    </section>
  );
}

/** The scenario's changes, each with a button to undo it. */
function ChangeList({
  changes,
  onDrop,
  categoryName,
  info,
  amenityById,
}: {
  changes: ScenarioChanges;
  onDrop(key: string): void;
  categoryName(code: string): string;
  info: Map<number, CompoundInfo>;
  amenityById: ReadonlyMap<number, Amenities["features"][number]>;
}) {
  const { t } = useI18n();
  return (
    <ul className="changes" data-testid="whatif-changes">
      {describeChanges(changes, { t, categoryName, info, amenityById }).map((c) => (
        <li key={c.key} data-testid="whatif-change">
          {c.text}
          <button type="button" className="link" aria-label={t("whatif.undo")} onClick={() => onDrop(c.key)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Before and after: households gained (and lost) per category, the compounds that changed, gates off the network. */
function Effect({
  changes,
  before,
  after,
  categoryName,
  info,
  onZoomTo,
}: {
  changes: Changes;
  before?: CoverageSummary[];
  after: CoverageSummary[];
  categoryName(code: string): string;
  info: Map<number, CompoundInfo>;
  onZoomTo(id: number): void;
}) {
  const { t, num, pct } = useI18n();
  const share = (list: CoverageSummary[] | undefined, code: string) => list?.find((c) => c.code === code)?.share;
  return (
    <div className="before-after" data-testid="whatif-result">
      <h4>{t("whatif.result")}</h4>
      {changes.byCategory.length === 0 && <p className="note">{t("whatif.noEffect")}</p>}
      <ul>
        {changes.byCategory.map((c) => (
          <li key={c.code} data-testid="whatif-gain" data-code={c.code} data-households={c.gainedHouseholds}>
            {t("whatif.gainLine", { category: categoryName(c.code), households: num(c.gainedHouseholds), compounds: num(c.gainedCompounds) })}
            {share(before, c.code) !== undefined && share(after, c.code) !== undefined && (
              <span className="share-change" data-testid="whatif-share" data-before={share(before, c.code)} data-after={share(after, c.code)}>
                {t("whatif.shareChange", { before: pct(share(before, c.code)!), after: pct(share(after, c.code)!) })}
              </span>
            )}
            {c.lostHouseholds > 0 && <span className="loss">{t("whatif.lossLine", { households: num(c.lostHouseholds) })}</span>}
          </li>
        ))}
      </ul>
      {changes.compounds.length > 0 && (
        <details>
          <summary>{t("whatif.changedCompounds", { count: num(changes.compounds.length) })}</summary>
          <ul>
            {changes.compounds.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" onClick={() => onZoomTo(c.id)}>
                  {info.get(c.id)?.name}
                </button>
                {c.gained.length > 0 && <span className="gain"> +{c.gained.map(categoryName).join("、")}</span>}
                {c.lost.length > 0 && <span className="loss"> −{c.lost.map(categoryName).join("、")}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {changes.unattachedGates.length > 0 && <p className="note warn">{t("whatif.gateOffNetwork")}</p>}
    </div>
  );
}
