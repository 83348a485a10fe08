import { useState, type FormEvent } from "react";
import { ApiError, sendJson, useApi } from "../api/client";
import { useSession, type Role, type SessionUser } from "../api/session";
import { ErrorList } from "../components/ErrorList";
import { problemText } from "../api/problems";
import { ErrorBox, Loading } from "../components/States";
import { useI18n, type MessageKey } from "../i18n";

interface AuditEntry {
  id: number;
  at: string;
  userName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
}
type ImportResult = { add?: unknown[]; update?: unknown[]; dryRun?: boolean; counts?: Record<string, number>; warnings?: Array<{ message: string }> };

/** Admins: users and roles, the audit log, and data import. */
export function AdminPanel({ onImported }: { onImported(): void }) {
  const { t } = useI18n();
  const { isAdmin } = useSession();
  if (!isAdmin)
    return (
      <div className="panel">
        <p className="note">{t("edit.signInToEdit")}</p>
      </div>
    );
  return (
    <div className="panel" data-testid="admin-panel">
      <Users />
      <ImportForm onImported={onImported} />
      <Audit />
    </div>
  );
}

function useAction() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function Users() {
  const { t } = useI18n();
  const users = useApi<{ users: Array<SessionUser & { disabled: boolean; version: number }>; roles: Role[] }>("/api/users");
  const { error, busy, run } = useAction();
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const ok = await run(() =>
      sendJson("POST", "/api/users", {
        name: f.get("name"),
        displayName: f.get("displayName") || null,
        role: f.get("role"),
        password: f.get("password"),
      }),
    );
    if (ok) {
      form.reset();
      users.reload();
    }
  };
  const patch = async (id: number, body: Record<string, unknown>) => {
    if (await run(() => sendJson("PATCH", `/api/users/${id}`, body))) users.reload();
  };
  return (
    <section data-testid="admin-users">
      <h2>{t("admin.users")}</h2>
      {users.isLoading && !users.data && <Loading />}
      {users.error && <ErrorBox error={users.error} onRetry={users.reload} />}
      {error && <ErrorBox error={error} />}
      <table className="table">
        <tbody>
          {users.data?.users.map((u) => (
            <tr key={u.id} className={u.disabled ? "disabled" : ""}>
              <td>
                {u.displayName ?? u.name}
                <br />
                <small>{u.name}</small>
              </td>
              <td>
                <select value={u.role} disabled={busy} onChange={(e) => void patch(u.id, { role: e.target.value, version: u.version })}>
                  {users.data!.roles.map((r) => (
                    <option key={r} value={r}>
                      {t(`role.${r}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" disabled={busy} onClick={() => void patch(u.id, { disabled: !u.disabled, version: u.version })}>
                  {u.disabled ? t("admin.enable") : t("admin.disable")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="form" onSubmit={create} data-testid="add-user">
        <h3>{t("admin.addUser")}</h3>
        <label className="field">
          <span>{t("auth.name")}</span>
          <input name="name" required />
        </label>
        <label className="field">
          <span>{t("admin.displayName")}</span>
          <input name="displayName" />
        </label>
        <label className="field">
          <span>{t("admin.role")}</span>
          <select name="role" defaultValue="planner">
            {(["planner", "staff", "admin"] as const).map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("auth.password")}</span>
          <input name="password" type="password" minLength={10} required />
        </label>
        <button type="submit" disabled={busy}>
          {t("admin.create")}
        </button>
      </form>
    </section>
  );
}

function ImportForm({ onImported }: { onImported(): void }) {
  const { t, lookup } = useI18n();
  const { error, busy, run } = useAction();
  const [result, setResult] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = f.get("file") as File | null;
    if (!file?.name) return;
    setResult(null);
    const dry = f.get("dryRun") === "on";
    const q = new URLSearchParams({ filename: file.name, crs: String(f.get("crs")), dry_run: String(dry) });
    const r = await run(() => sendJson<ImportResult>("POST", `/api/import?${q}`, file, { contentType: "application/octet-stream" }));
    if (!r) return;
    if (r.counts)
      setResult(
        t("admin.importOsm", {
          summary: Object.entries(r.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
        }),
      );
    else setResult(t(dry ? "admin.importDry" : "admin.importDone", { added: r.add?.length ?? 0, updated: r.update?.length ?? 0 }));
    if (!dry) onImported();
  };
  return (
    <section data-testid="admin-import">
      <h2>{t("admin.import")}</h2>
      <p className="note">{t("admin.importHint")}</p>
      <form className="form" onSubmit={submit}>
        <input type="file" name="file" accept=".csv,.xlsx,.osm,.pbf" required data-testid="import-file" />
        <label className="field">
          <span>{t("admin.crs")}</span>
          <select name="crs" defaultValue="wgs84">
            <option value="wgs84">WGS84 / 天地图</option>
            <option value="gcj02">GCJ-02 高德/腾讯</option>
            <option value="bd09">BD-09 百度</option>
          </select>
        </label>
        <label className="toggle">
          <input type="checkbox" name="dryRun" />
          {t("admin.dryRun")}
        </label>
        <button type="submit" disabled={busy} data-testid="import-submit">
          {busy ? t("admin.importing") : t("admin.upload")}
        </button>
      </form>
      {result && (
        <p className="note" data-testid="import-result">
          {result}
        </p>
      )}
      {error && (
        <div className="state error" role="alert" data-testid="error">
          <p>{error.errors.length ? t("admin.importErrors", { count: error.errors.length }) : problemText(lookup, error)}</p>
          <ErrorList errors={error.errors} />
        </div>
      )}
    </section>
  );
}

function Audit() {
  const { t, lookup } = useI18n();
  const entityName = (x: string) => lookup(`err.entity.${x}`) ?? x;
  const [user, setUser] = useState("");
  const [entity, setEntity] = useState("");
  const q = new URLSearchParams({ limit: "50" });
  if (user) q.set("user", user);
  if (entity) q.set("entity", entity);
  const audit = useApi<{ entries: AuditEntry[]; nextBeforeId: number | null }>(`/api/audit?${q}`);
  return (
    <section data-testid="admin-audit">
      <h2>{t("admin.audit")}</h2>
      <div className="row">
        <input placeholder={t("admin.filterUser")} value={user} onChange={(e) => setUser(e.target.value.trim())} />
        <select value={entity} onChange={(e) => setEntity(e.target.value)} aria-label={t("admin.filterEntity")}>
          <option value="">{t("admin.all")}</option>
          {["compound", "gate", "building", "renovation_item", "user", "import", "session"].map((x) => (
            <option key={x} value={x}>
              {entityName(x)}
            </option>
          ))}
        </select>
      </div>
      {audit.isLoading && !audit.data && <Loading />}
      {audit.error && <ErrorBox error={audit.error} onRetry={audit.reload} />}
      <table className="table audit" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t("admin.when")}</th>
            <th>{t("admin.who")}</th>
            <th>{t("admin.action")}</th>
            <th>{t("admin.entity")}</th>
          </tr>
        </thead>
        <tbody>
          {audit.data?.entries.map((e) => (
            <tr key={e.id}>
              <td>{e.at.replace("T", " ").slice(0, 19)}</td>
              <td>{e.userName}</td>
              <td>{lookup(`admin.auditAction.${e.action}`) ?? e.action}</td>
              <td>
                {entityName(e.entity)} {e.entityId}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
