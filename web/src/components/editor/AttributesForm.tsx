import { useState, type FormEvent } from "react";
import type { CompoundDetail } from "../../api/resources";
import { useI18n } from "../../i18n";
import { Field } from "./Field";
import type { CompoundEdit } from "./useCompoundEdit";

/** The compound's attributes behind an Edit button; saving sends the version it saw and closes the form. */
export function AttributesForm({ data, edit }: { data: CompoundDetail; edit: CompoundEdit }) {
  const { t } = useI18n();
  const p = data.properties;
  const [editing, setEditing] = useState(false);

  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => (f.get(k) === "" ? null : Number(f.get(k)));
    const ok = await edit.send("PATCH", `/api/compounds/${p.id}`, {
      name: String(f.get("name")),
      address: String(f.get("address")) || null,
      buildYear: num("buildYear"),
      households: num("households") ?? 0,
      buildingCount: num("buildingCount") ?? 0,
      management: f.get("management"),
      tier: f.get("tier") || null,
      version: edit.version,
    });
    if (ok) setEditing(false);
  };

  if (!editing)
    return (
      <button type="button" data-testid="edit-attributes" onClick={() => setEditing(true)}>
        {t("edit.edit")}
      </button>
    );
  return (
    <form className="form" onSubmit={save} data-testid="attributes-form">
      <Field label="edit.name">
        <input name="name" defaultValue={p.name} required maxLength={100} />
      </Field>
      <Field label="edit.address">
        <input name="address" defaultValue={p.address ?? ""} />
      </Field>
      <Field label="edit.buildYear">
        <input name="buildYear" type="number" min={1900} max={2100} defaultValue={p.buildYear ?? ""} />
      </Field>
      <Field label="edit.households">
        <input name="households" type="number" min={0} defaultValue={p.households} />
      </Field>
      <Field label="edit.buildingCount">
        <input name="buildingCount" type="number" min={0} defaultValue={p.buildingCount} />
      </Field>
      <Field label="edit.management">
        <select name="management" defaultValue={p.management}>
          <Options values={["professional", "self", "none"] as const} label={(m) => t(`management.${m}`)} />
        </select>
      </Field>
      <Field label="edit.tier">
        <select name="tier" defaultValue={p.tier ?? ""}>
          <option value="">{t("tier.none")}</option>
          <Options values={["basic", "complete", "enhanced"] as const} label={(m) => t(`tier.${m}`)} />
        </select>
      </Field>
      <div className="row">
        <button type="submit" disabled={edit.busy} data-testid="save-attributes">
          {edit.busy ? t("edit.saving") : t("edit.save")}
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          {t("edit.cancel")}
        </button>
      </div>
    </form>
  );
}

/** One option per value, labelled by `label` (an i18n lookup, so each value's key is type-checked). */
function Options<V extends string>({ values, label }: { values: readonly V[]; label(value: V): string }) {
  return values.map((v) => (
    <option key={v} value={v}>
      {label(v)}
    </option>
  ));
}
