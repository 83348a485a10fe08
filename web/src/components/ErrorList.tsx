import type { ApiError } from "../api/client";
import { fieldProblemText } from "../api/problems";
import { useI18n } from "../i18n";

/**
 * The per-field problems of a failed write (problem JSON `errors[]`), one line each: the field's
 * name and its rule in the UI's language (see fieldProblemText; the English reason only for a code
 * the catalogue lacks).
 */
export function ErrorList({ errors }: { errors: ApiError["errors"] }) {
  const { t, lookup } = useI18n();
  return (
    <ul data-testid="error-list">
      {errors.map((x, i) => {
        const { field, reason } = fieldProblemText(lookup, x);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole, never reordered
          <li key={`${i}:${x.name}`} data-code={x.code}>
            {t("err.field.line", { field, reason })}
          </li>
        );
      })}
    </ul>
  );
}
