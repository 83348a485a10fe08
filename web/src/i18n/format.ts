/** The UI's languages. */
export type Lang = "zh-CN" | "en";

/**
 * Fill a message's `{name}` placeholders from `vars`, and its plurals: `{count, plural, one {# building}
 * other {# buildings}}` picks the branch by the language's plural rule for `vars.count` (a number or
 * a formatted number like "1,234"), `#` standing for the value as given.
 */
export function formatMessage(lang: Lang, message: string, vars?: Record<string, string | number>): string {
  const rules = new Intl.PluralRules(lang);
  const plural = message.replace(/\{(\w+), plural, one \{([^{}]*)\} other \{([^{}]*)\}\}/g, (_, name: string, one: string, other: string) => {
    const v = vars?.[name];
    const n = typeof v === "number" ? v : Number(String(v ?? "").replace(/[,\s\u00a0\u202f]/g, ""));
    return (rules.select(n) === "one" ? one : other).replaceAll("#", String(v ?? ""));
  });
  return plural.replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));
}
