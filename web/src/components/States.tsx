import type { ApiError } from "../api/client";
import { problemText } from "../api/problems";
import { useI18n } from "../i18n";
import { ErrorList } from "./ErrorList";

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="state loading" data-testid="loading" role="status">
      {t("state.loading")}
    </div>
  );
}

/** An API failure, shown to the user in the UI's language (its code, see problemText) with a retry; never swallowed. */
export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t, lookup } = useI18n();
  return (
    <div className="state error" data-testid="error" data-code={error.code} role="alert">
      <p>{t("state.error", { message: problemText(lookup, error) })}</p>
      {error.errors.length > 0 && <ErrorList errors={error.errors} />}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t("state.retry")}
        </button>
      )}
    </div>
  );
}

export function Empty({ text }: { text?: string }) {
  const { t } = useI18n();
  return (
    <div className="state empty" data-testid="empty">
      {text ?? t("state.empty")}
    </div>
  );
}
