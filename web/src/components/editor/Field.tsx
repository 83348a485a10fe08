import type { ReactNode } from "react";
import { useI18n, type MessageKey } from "../../i18n";

/** A labelled input of the editor's forms: the label wraps the input, so clicking the text focuses it. */
export function Field({ label, children }: { label: MessageKey; children: ReactNode }) {
  const { t } = useI18n();
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the label wraps the input it is given
    <label className="field">
      <span>{t(label)}</span>
      {children}
    </label>
  );
}
