import { useCallback, useEffect, useState } from "react";
import { type ApiError, fetchJson, sendJson, useApiTask } from "../../api/client";
import type { ScenarioChanges } from "../../analysis/whatif";
import { ErrorBox, Empty } from "../../components/States";
import { useI18n } from "../../i18n";

export interface ScenarioSummary {
  id: number;
  name: string;
  notes: string | null;
  version: number;
  updatedAt: string;
  createdBy: { id: number; name: string; displayName: string | null } | null;
}
export interface Scenario extends ScenarioSummary {
  changes: ScenarioChanges;
}

/** Saved what-if scenarios: save the current changes under a name, reload one, delete one. */
export function Scenarios({ changes, current, onLoad }: { changes: ScenarioChanges; current: Scenario | null; onLoad(s: Scenario | null): void }) {
  const { t } = useI18n();
  const [list, setList] = useState<ScenarioSummary[] | null>(null);
  const { busy, error, setError, run } = useApiTask();
  const [name, setName] = useState(current?.name ?? "");
  const refresh = useCallback(() => {
    fetchJson<{ scenarios: ScenarioSummary[] }>("/api/scenarios").then(
      (r) => {
        setList(r.scenarios);
        setError(null);
      },
      (e: ApiError) => setError(e),
    );
  }, [setError]);
  useEffect(refresh, [refresh]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the name field follows the scenario loaded (its id), not each edit of it
  useEffect(() => {
    setName(current?.name ?? "");
  }, [current?.id]);

  const save = () =>
    run(async () => {
      const saved = current
        ? await sendJson<Scenario>("PATCH", `/api/scenarios/${current.id}`, { name, changes, version: current.version })
        : await sendJson<Scenario>("POST", "/api/scenarios", { name, changes });
      onLoad(saved);
      refresh();
    });
  const saveAsNew = () =>
    run(async () => {
      onLoad(await sendJson<Scenario>("POST", "/api/scenarios", { name, changes }));
      refresh();
    });
  const load = (id: number) =>
    run(async () => {
      onLoad(await fetchJson<Scenario>(`/api/scenarios/${id}`));
    });
  const remove = (s: ScenarioSummary) =>
    run(async () => {
      if (!confirm(t("scenario.confirmDelete", { name: s.name }))) return;
      await sendJson("DELETE", `/api/scenarios/${s.id}?version=${s.version}`);
      if (current?.id === s.id) onLoad(null);
      refresh();
    });

  return (
    <section className="scenarios" data-testid="scenarios">
      <h4>{t("scenario.title")}</h4>
      {error && <ErrorBox error={error} onRetry={refresh} />}
      {error?.status === 409 && current && (
        <button type="button" onClick={() => load(current.id)}>
          {t("edit.reload")}
        </button>
      )}
      <div className="row">
        <input
          aria-label={t("scenario.name")}
          placeholder={t("scenario.name")}
          data-testid="scenario-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="button" data-testid="scenario-save" disabled={busy || !name.trim()} onClick={save}>
          {current ? t("scenario.update") : t("scenario.save")}
        </button>
        {current && (
          <button type="button" disabled={busy || !name.trim()} onClick={saveAsNew}>
            {t("scenario.saveAsNew")}
          </button>
        )}
      </div>
      {current && (
        <p className="note" data-testid="scenario-current">
          {t("scenario.current", { name: current.name })}
        </p>
      )}
      {list === null && !error && <p className="note">{t("state.loading")}</p>}
      {list?.length === 0 && <Empty text={t("scenario.none")} />}
      {!!list?.length && (
        <ul className="scenario-list">
          {list.map((s) => (
            <li key={s.id} data-testid="scenario-item">
              <button type="button" className="link" data-testid="scenario-load" onClick={() => load(s.id)}>
                {s.name}
              </button>
              <small>
                {s.createdBy?.displayName ?? s.createdBy?.name ?? ""} · {new Date(s.updatedAt).toLocaleDateString()}
              </small>
              <button type="button" className="link danger" data-testid="scenario-delete" onClick={() => remove(s)}>
                {t("scenario.delete")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
