import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import en from "./en.json";
import zh from "./zh-CN.json";
import { formatMessage, type Lang } from "./format";

export type { Lang } from "./format";
export type MessageKey = keyof typeof zh;

// Every UI string lives in the message files; English must define every Chinese key.
const catalogs: Record<Lang, Record<MessageKey, string>> = { "zh-CN": zh, en: en satisfies Record<MessageKey, string> };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** The message of a key made at run time (`err.${code}`), or undefined when the catalogue lacks it. */
  lookup(key: string, vars?: Record<string, string | number>): string | undefined;
  /** Format a number the way the language writes it (grouping, decimals). */
  num(value: number, digits?: number): string;
  pct(fraction: number): string;
  /** An amount of money in the language's way: "12.5 万元" (1 decimal of 万元 by default), "¥125,000" / "¥12.35 million". */
  money(yuan: number, digits?: number): string;
  /** A unit of a quantity in English, in the plural when `quantity` is not 1 ("building" → "buildings"; m and m² stay). */
  unitPlural(unit: string, quantity: number): string;
}

const I18nContext = createContext<I18n | null>(null);
const STORAGE_KEY = "renewal.lang";

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get("lang");
  if (fromUrl === "en" || fromUrl === "zh-CN") return fromUrl;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "en" || saved === "zh-CN") return saved;
  } catch {
    /* storage may be blocked */
  }
  return "zh-CN";
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = catalogs[lang]["app.title"];
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* ignore */
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const messages = catalogs[lang];
    const t: Translate = (key, vars) => formatMessage(lang, messages[key] ?? key, vars);
    const lookup = (key: string, vars?: Record<string, string | number>) => {
      const message = Object.hasOwn(messages, key) ? (messages as Record<string, string>)[key] : undefined;
      return message === undefined ? undefined : formatMessage(lang, message, vars);
    };
    const num = (value: number, digits = 0) => value.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    const pct = (fraction: number) => `${(fraction * 100).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
    const money = (yuan: number, digits = 1) =>
      lang === "zh-CN"
        ? `${num(yuan / 10_000, digits)} 万元`
        : Math.abs(yuan) >= 1_000_000
          ? `¥${num(yuan / 1_000_000, 2)} million`
          : `¥${num(Math.round(yuan))}`;
    const unitPlural = (unit: string, quantity: number) =>
      lang === "zh-CN" || /^m\d?$|²$/.test(unit) || new Intl.PluralRules("en").select(quantity) === "one" ? unit : `${unit}s`;
    return { lang, setLang, t, lookup, num, pct, money, unitPlural };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
