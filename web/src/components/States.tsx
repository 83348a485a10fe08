import type { ApiError } from "../api/client";
import { useI18n } from "../i18n";

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="state loading" data-testid="loading" role="status">
      {t("state.loading")}
    </div>
  );
}

/** An API failure, shown to the user with a retry; never swallowed. */
export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="state error" data-testid="error" role="alert">
      <p>{t("state.error", { message: error.detail ?? error.title })}</p>
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
