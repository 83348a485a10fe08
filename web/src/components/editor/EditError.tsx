import type { ApiError } from "../../api/client";
import { useI18n } from "../../i18n";
import { ErrorList } from "../ErrorList";

/** A failed write: the problem and its per-field errors; a 409 (someone else saved first) offers to reload. */
export function EditError({ error, onReload }: { error: ApiError; onReload(): void }) {
  const { t } = useI18n();
  return (
    <div className="state error" role="alert" data-testid="error">
      <p>{error.status === 409 ? t("edit.conflict") : t("state.error", { message: error.detail ?? error.title })}</p>
      {error.errors.length > 0 && <ErrorList errors={error.errors} />}
      {error.status === 409 && (
        <button type="button" data-testid="reload" onClick={onReload}>
          {t("edit.reload")}
        </button>
      )}
    </div>
  );
}
