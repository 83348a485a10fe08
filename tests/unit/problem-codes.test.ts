import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../../server/db/audit.js";
import { FIELD_CODES, PROBLEM_CODES } from "../../server/schemas/problems.js";
import { UNASSIGNED_CODES } from "../../web/src/analysis/cluster.js";
import { fieldLabel, fieldProblemText, problemText, type Lookup } from "../../web/src/api/problems.js";
import { formatMessage, type Lang } from "../../web/src/i18n/format.js";

// Every code the server can answer with (server/schemas/problems.ts) and every reason the cluster
// engine gives has a message in both catalogues: a new code without a translation fails here.

const I18N = path.join(import.meta.dirname, "../../web/src/i18n");
const catalogues: Record<Lang, Record<string, string>> = {
  "zh-CN": JSON.parse(fs.readFileSync(path.join(I18N, "zh-CN.json"), "utf8")),
  en: JSON.parse(fs.readFileSync(path.join(I18N, "en.json"), "utf8")),
};
const lookupIn =
  (lang: Lang): Lookup =>
  (key, vars) =>
    Object.hasOwn(catalogues[lang], key) ? formatMessage(lang, catalogues[lang][key], vars) : undefined;

describe.each(["zh-CN", "en"] as const)("the %s catalogue", (lang) => {
  const has = (key: string) => expect(catalogues[lang], `${lang} lacks ${key}`).toHaveProperty([key]);
  it("has a message for every problem code", () => {
    for (const c of PROBLEM_CODES) has(`err.${c}`);
  });
  it("has a message for every field code", () => {
    for (const c of FIELD_CODES) has(`err.field.${c}`);
  });
  it("has a message for every cluster reason", () => {
    for (const c of UNASSIGNED_CODES) has(`cluster.reason.${c}`);
  });
  it("has a name for every audit action", () => {
    for (const a of AUDIT_ACTIONS) has(`admin.auditAction.${a}`);
  });
  it("has the network error and the field line", () => {
    for (const k of ["err.network", "err.field.line"]) has(k);
  });
});

describe("problem messages from codes", () => {
  const zh = lookupIn("zh-CN"),
    en = lookupIn("en");
  it("say a problem in the UI's language with its params, the entity named", () => {
    const notFound = {
      status: 404,
      title: "Not found",
      detail: "Compound 7 does not exist",
      code: "not_found",
      params: { entity: "compound", id: 7 },
    } as const;
    expect(problemText(zh, notFound)).toBe("小区 7 不存在（可能已被删除）");
    expect(problemText(en, notFound)).toBe("Compound 7 does not exist (it may have been deleted)");
    expect(problemText(zh, { status: 0, title: "Network error", detail: "Failed to fetch" })).toBe("无法连接服务器，请检查网络后重试");
  });
  it("name a status move's states in the UI's language, the entity's own status names", () => {
    const move = (entity: string, from: string, to: string, next: string) =>
      ({ status: 409, title: "Conflict", detail: "English", code: "status_transition", params: { entity, id: 5, from, to, next } }) as const;
    expect(problemText(zh, move("renovation_item", "planned", "completed", "started,cancelled"))).toBe(
      `改造项目 5 不能从“${catalogues["zh-CN"]["item.status.planned"]}”改为“${catalogues["zh-CN"]["item.status.completed"]}”；从“${catalogues["zh-CN"]["item.status.planned"]}”可改为：${catalogues["zh-CN"]["item.status.started"]}、${catalogues["zh-CN"]["item.status.cancelled"]}`,
    );
    expect(problemText(en, move("compound", "accepted", "planned", ""))).toBe(
      "Compound 5 cannot go from “Accepted” to “Planned”; from “Accepted” it can go to: nowhere (final)",
    );
    const none = (count: number) =>
      ({ status: 409, title: "Conflict", detail: "English", code: "no_item_can_move", params: { entity: "renovation_item", count, to: "started" } }) as const;
    expect(problemText(en, none(1))).toBe("The listed item cannot go to “under way”; nothing was changed");
    expect(problemText(en, none(3))).toBe("None of the 3 listed items can go to “under way”; nothing was changed");
    expect(problemText(zh, none(3))).toBe(`所列的 3 个改造项目都不能改为“${catalogues["zh-CN"]["item.status.started"]}”，未做任何更改`);
  });
  it("fall back to the English detail only for a code the catalogue lacks, or none", () => {
    expect(problemText(zh, { status: 418, title: "Teapot", detail: "I am a teapot", code: "teapot" as never })).toBe("I am a teapot");
    expect(problemText(zh, { status: 400, title: "Bad", detail: undefined })).toBe("Bad");
  });
  it("say a field error's rule by code and origin, the field named from field.*", () => {
    const e = { name: "households", reason: "Too small: expected number to be >=0", code: "too_small", params: { minimum: 0, origin: "number" } } as const;
    expect(fieldProblemText(zh, e)).toEqual({ field: "户数", reason: "不能小于 0" });
    expect(fieldProblemText(en, e)).toEqual({ field: "Households", reason: "must be at least 0" });
    const name = { name: "name", reason: "must not be empty", code: "too_small", params: { minimum: 1, origin: "string" } } as const;
    expect(fieldProblemText(zh, name).reason).toBe("至少 1 个字符");
    expect(fieldProblemText(en, name).reason).toBe("must have at least 1 character");
    expect(fieldProblemText(en, { ...name, params: { minimum: 3, origin: "string" } }).reason).toBe("must have at least 3 characters");
    expect(fieldProblemText(zh, { name: "row 3, households", reason: "must be a whole number" })).toEqual({
      field: "户数 (row 3, households)",
      reason: "must be a whole number",
    });
    expect(fieldLabel(zh, "memberIds[2]")).toBe("成员小区 (memberIds[2])");
    expect(fieldLabel(zh, "zzz")).toBe("zzz");
  });
  it("say an import's row and column, and its rule, in the UI's language", () => {
    const bad = {
      name: "row 3: households",
      reason: '"12x" is not a whole number from 0 to 100000',
      code: "not_whole_number",
      params: { value: "12x", minimum: 0, maximum: 100000 },
    } as const;
    expect(fieldProblemText(zh, bad)).toEqual({ field: "第 3 行 · 户数", reason: "“12x”不是 0 到 100000 之间的整数" });
    expect(fieldProblemText(en, bad)).toEqual({ field: "row 3 · Households", reason: "“12x” is not a whole number from 0 to 100000" });
    expect(fieldLabel(zh, "byte 1024")).toBe("文件第 1024 字节附近");
    expect(fieldLabel(zh, "row 2: (file)")).toBe("第 2 行 · 文件");
  });
});

describe("plurals in messages", () => {
  const msg = "{n, plural, one {# building} other {# buildings}}";
  it("pick the English form by the count, formatted or not", () => {
    expect(formatMessage("en", msg, { n: 1 })).toBe("1 building");
    expect(formatMessage("en", msg, { n: 13 })).toBe("13 buildings");
    expect(formatMessage("en", msg, { n: "1,234" })).toBe("1,234 buildings");
    expect(formatMessage("en", "{a} and {b}", { a: 1 })).toBe("1 and {b}");
  });
  it("the English catalogue writes no Chinese money unit and counts its buildings, elevators and items right", () => {
    for (const [key, text] of Object.entries(catalogues.en)) expect(text, key).not.toMatch(/万|×10k/);
    const en = (key: string, vars: Record<string, string | number>) => formatMessage("en", catalogues.en[key], vars);
    expect(en("cluster.elevatorLine", { buildings: 13, floors: 6, units: 1, existing: 1, planned: 0 })).toBe(
      "13 buildings with 6+ floors and no elevator, 1 unit; 1 elevator installed, 0 planned.",
    );
    expect(en("card.elevators", { count: 1 })).toBe("1 building has an elevator");
    expect(en("cluster.itemCount", { count: 1 })).toBe("1 item");
    expect(en("cluster.listLine", { compounds: 3, households: "1,204" })).toBe("3 compounds · 1,204 households");
  });
  it("puts no counted noun after a bare number in English: each count takes its plural form", () => {
    const bare = /\{\w+\} (?:more )?(?:compounds|households|changes|buildings|elevators|items|units|categories)\b/;
    for (const [key, text] of Object.entries(catalogues.en)) expect(text, key).not.toMatch(bare);
    const en = (key: string, vars: Record<string, string | number>) => formatMessage("en", catalogues.en[key], vars);
    expect(en("cov.unattached", { count: 1, households: 1 })).toMatch(/^1 compound \(1 household\) has no gate/);
    expect(en("cov.unattached", { count: 2, households: "1,200" })).toMatch(/^2 compounds \(1,200 households\) have no gate/);
    expect(en("whatif.lossLine", { households: 1 })).toBe(", 1 household loses coverage");
    expect(en("report.scenario", { name: "A", count: 1 })).toBe("scenario “A” (1 change, not built)");
  });
});
