/**
 * Compound names as bureaus and OpenStreetMap write them differently: full-width and half-width
 * forms (ＡＢＣ１２ / ABC12), spaces and punctuation, and a generic suffix (小区, 院, 家属院, 宿舍 …)
 * that one list has and the other not (电力小区 / 电力局家属院 stay apart; 电力小区 / 电力 match).
 */
const SUFFIXES = ["职工家属院", "家属院", "家属区", "家属楼", "宿舍区", "宿舍楼", "宿舍", "住宅小区", "住宅区", "生活区", "小区", "院"];

export function normaliseName(name: string): string {
  let s = name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s·・.,，。、\-—_()（）【】[\]"'“”‘’]/g, "");
  for (const suffix of SUFFIXES) {
    if (s.length > suffix.length && s.endsWith(suffix)) {
      s = s.slice(0, -suffix.length);
      break;
    }
  }
  return s;
}
