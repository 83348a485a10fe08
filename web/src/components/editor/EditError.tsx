import type { ApiError } from "../../api/client";
import { problemText } from "../../api/problems";
import { useI18n } from "../../i18n";
import { ErrorList } from "../ErrorList";

/**
 * A failed write in the UI's language: the problem (from its code, see problemText) and its
 * per-field errors. A version conflict (someone else saved first) says so; every 409 offers to reload.
 */
export function EditError({ error, onReload }: { error: ApiError; onReload(): void }) {
  const { t, lookup } = useI18n();
  const conflict = error.status === 409;
  const stale = conflict && (error.code === "version_conflict" || error.code === undefined);
  return (
    <div className="state error" role="alert" data-testid="error" data-code={error.code}>
      <p>{stale ? t("edit.conflict") : t("state.error", { message: problemText(lookup, error) })}</p>
      {error.errors.length > 0 && <ErrorList errors={error.errors} />}
      {conflict && (
        <button type="button" data-testid="reload" onClick={onReload}>
          {t("edit.reload")}
        </button>
      )}
    </div>
  );
}
