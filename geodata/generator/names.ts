/**
 * Chinese place names for the demo city, modelled on 周口市川汇区 and the seed news reports in
 * /work/shared/seeds. Real names come first; when a larger scale needs more, plausible names are
 * composed from the word lists below and kept unique.
 */
import type { Rng } from "./rng.js";

export const DISTRICT = "川汇区";

/** Main roads (主干路) of 川汇区 and plausible ones. */
export const ARTERIAL_NAMES = [
  "八一大道",
  "中州大道",
  "七一路",
  "交通大道",
  "人民路",
  "太昊路",
  "建设大道",
  "工农路",
  "大庆路",
  "文明路",
  "汉阳路",
  "川汇路",
  "周口大道",
  "莲花大道",
  "黄河路",
  "长江路",
  "淮河路",
  "嵩山路",
  "光明大道",
  "迎宾大道",
  "富强大道",
  "振兴大道",
  "育新大道",
  "纬一路",
  "经一路",
];

/** Branch roads (支路). */
export const BRANCH_NAMES = [
  "新民街",
  "富民路",
  "中山路",
  "解放路",
  "育新街",
  "和平路",
  "民主路",
  "建安路",
  "文昌路",
  "工业路",
  "纺织路",
  "荷花路",
  "牡丹路",
  "银杏路",
  "梧桐路",
  "青年路",
  "健康路",
  "团结路",
  "友谊路",
  "胜利路",
  "新华路",
  "学府路",
  "商业街",
  "民生路",
  "东新街",
  "西新街",
  "北关街",
  "南关街",
  "复兴路",
  "幸福路",
  "庆丰路",
  "红旗街",
  "建新路",
  "天平街",
  "金海路",
  "文化路",
  "体育路",
  "花园路",
  "站前路",
  "小桥街",
  "顺河街",
  "富贵街",
  "永安街",
  "兴业路",
  "丰收路",
  "农场路",
  "汇通路",
  "朝阳路",
  "东风路",
  "西华路",
];

const ROAD_WORDS = [
  "安澜",
  "宝丰",
  "滨湖",
  "昌盛",
  "成功",
  "春晖",
  "翠柳",
  "大同",
  "德化",
  "丁香",
  "东明",
  "繁荣",
  "丰泽",
  "福安",
  "广德",
  "海棠",
  "翰林",
  "和顺",
  "弘文",
  "华夏",
  "怀德",
  "惠民",
  "吉祥",
  "嘉禾",
  "锦华",
  "京华",
  "静安",
  "聚贤",
  "开元",
  "康宁",
  "兰亭",
  "乐业",
  "黎明",
  "丽水",
  "龙湖",
  "鹿邑",
  "明德",
  "南华",
  "宁远",
  "鹏程",
  "平安",
  "启明",
  "清风",
  "仁和",
  "瑞祥",
  "三里",
  "尚德",
  "顺义",
  "泰和",
  "桃源",
  "天成",
  "通达",
  "万和",
  "文峰",
  "武功",
  "西城",
  "祥和",
  "新河",
  "信义",
  "兴华",
  "益民",
  "雍和",
  "裕华",
  "悦来",
  "云台",
  "章华",
  "政通",
  "中和",
  "众兴",
  "紫荆",
];

/** A number in Chinese numerals: 七, 十二, 二十一, 一百零五, 三千二百一十, 一万零一十 … (10–19 alone: 十, 十一 …). */
export function zhNumber(n: number, inner = false): string {
  const d = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
  if (n >= 10000) {
    const lo = n % 10000;
    return `${zhNumber(Math.floor(n / 10000))}万${lo === 0 ? "" : (lo < 1000 ? "零" : "") + zhNumber(lo, true)}`;
  }
  if (n < 10) return d[n];
  if (n < 20 && !inner) return n === 10 ? "十" : `十${d[n % 10]}`;
  let out = "";
  let gap = false;
  for (const [unit, v] of [
    ["千", 1000],
    ["百", 100],
    ["十", 10],
    ["", 1],
  ] as const) {
    const digit = Math.floor(n / v) % 10;
    if (digit === 0) {
      if (out) gap = true;
      continue;
    }
    if (gap) out += "零";
    gap = false;
    out += d[digit] + unit;
  }
  return out;
}

/** Hands out unique names from a preferred list, then from composed fall-backs. */
export class NamePool {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}

  has(name: string): boolean {
    return this.used.has(name);
  }

  take(name: string): string {
    this.used.add(name);
    return name;
  }

  /** First unused name from `preferred` (in order), else the first unused name `compose` yields. */
  next(preferred: readonly string[], compose: (rng: Rng, attempt: number) => string): string {
    for (const p of preferred) if (!this.used.has(p)) return this.take(p);
    for (let attempt = 0; attempt < 10000; attempt++) {
      const n = compose(this.rng, attempt);
      if (!this.used.has(n)) return this.take(n);
    }
    throw new Error("name pool exhausted");
  }
}

export function composeRoad(rng: Rng, attempt: number, arterial: boolean): string {
  const w = ROAD_WORDS[(attempt + rng.int(0, ROAD_WORDS.length - 1)) % ROAD_WORDS.length];
  if (attempt > ROAD_WORDS.length) return `${w + (arterial ? "大道" : "路") + zhNumber(1 + (attempt % 9))}段`;
  return w + (arterial ? rng.pick(["大道", "路"]) : rng.pick(["路", "街", "路"]));
}

/** Subdistricts 街道 of 川汇区 (real names first). */
export const SUBDISTRICT_NAMES = [
  "七一路街道",
  "陈州回族街道",
  "荷花路街道",
  "人和街道",
  "小桥街道",
  "城南街道",
  "城北街道",
  "文昌街道",
  "金海路街道",
  "搬口街道",
  "华耀城街道",
  "太昊路街道",
];

/** Communities 社区. */
export const COMMUNITY_NAMES = [
  "北街社区",
  "金明池社区",
  "交通路社区",
  "七一路社区",
  "八一路社区",
  "大庆路社区",
  "工农路社区",
  "人民路社区",
  "文明路社区",
  "汉阳路社区",
  "新民街社区",
  "富民路社区",
  "太昊路社区",
  "中州社区",
  "荷花社区",
  "小桥社区",
  "南关社区",
  "西关社区",
  "东关社区",
  "沙河社区",
  "天平社区",
  "庆丰社区",
  "和平社区",
  "光明社区",
  "幸福社区",
  "民主社区",
  "团结社区",
  "红旗社区",
  "建新社区",
  "育新社区",
  "五一社区",
  "解放社区",
  "新华社区",
  "文昌社区",
  "金海社区",
  "顺河社区",
  "搬口社区",
  "曹营社区",
];

export function composeCommunity(rng: Rng, attempt: number): string {
  const w = ROAD_WORDS[(attempt * 7 + rng.int(0, ROAD_WORDS.length - 1)) % ROAD_WORDS.length];
  if (attempt > 2 * ROAD_WORDS.length) return `${w + zhNumber(1 + (attempt % 9))}社区`;
  return w + rng.pick(["社区", "路社区", "街社区", "里社区"]);
}

export function composeSubdistrict(rng: Rng, attempt: number): string {
  const w = ROAD_WORDS[(attempt * 13 + rng.int(0, ROAD_WORDS.length - 1)) % ROAD_WORDS.length];
  if (attempt > 2 * ROAD_WORDS.length) return `${w + zhNumber(1 + (attempt % 9))}街道`;
  return w + rng.pick(["街道", "路街道"]);
}

/** Alleys not named after a street. */
const SURNAMES = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "赵",
  "黄",
  "周",
  "吴",
  "徐",
  "孙",
  "胡",
  "朱",
  "高",
  "林",
  "何",
  "郭",
  "马",
  "罗",
  "梁",
  "宋",
  "郑",
  "谢",
  "韩",
  "唐",
  "冯",
  "于",
  "董",
  "萧",
  "程",
  "曹",
  "袁",
  "邓",
];
const ALLEY_WORDS = [
  "柳树",
  "槐树",
  "榆树",
  "枣树",
  "石榴",
  "粮站",
  "油坊",
  "染坊",
  "磨坊",
  "铁匠",
  "豆腐",
  "盐店",
  "当铺",
  "药铺",
  "花市",
  "竹竿",
  "水井",
  "大井",
  "小井",
  "后街",
  "前街",
  "东岳庙",
  "关帝庙",
  "文庙",
  "书院",
];

export function composeAlley(rng: Rng, attempt: number): string {
  if (rng.chance(0.5)) return `${rng.pick(SURNAMES)}家${rng.pick(["巷", "胡同"])}${attempt > 60 ? `${zhNumber(1 + (attempt % 9))}号` : ""}`;
  return rng.pick(ALLEY_WORDS) + rng.pick(["巷", "胡同", "巷"]) + (attempt > 60 ? `${zhNumber(1 + (attempt % 9))}号` : "");
}

/** The compounds named in the seed reports, with the facts the reports give. */
export interface SeedCompound {
  name: string;
  buildYear: number;
  /** Street the compound should front, if the report names one. */
  street?: string;
  note: string;
}

export const SEED_COMPOUNDS: SeedCompound[] = [
  { name: "电力小区", buildYear: 1992, street: "太昊路", note: "周口: 太昊路电力小区率先适老化改造, 多幢单元楼加装电梯" },
  { name: "邮政小区", buildYear: 1994, note: "周口: 花园凉亭、健身设施、环湖广场" },
  { name: "人行家属院", buildYear: 1997, note: "周口: 建于1997年; 维修楼顶、规整线缆、停车位、充电棚、雨污分流、柏油路" },
  { name: "网通小区", buildYear: 1996, note: "周口: 移动和联通小区归并, 拆墙建绿" },
  { name: "老冰棍厂小区", buildYear: 1985, note: "石泉: 建于1985年; 生态车位40个、停车棚1处、门禁1套、公共卫生间29㎡" },
  { name: "集英花园", buildYear: 1998, note: "开封: 议事会26场, 适老化健身设施" },
  { name: "万户新村", buildYear: 1989, note: "盐城: 健身器材、长廊" },
  { name: "碧波水岸小区", buildYear: 2003, note: "石阡: 修建于2003年前后; 人行道石板、沥青、停车位" },
];

/** Work units (单位) whose staff housing became the old compounds (家属院). */
export const WORK_UNITS = [
  "棉纺厂",
  "粮食局",
  "供电局",
  "二轻局",
  "化肥厂",
  "味精厂",
  "交通局",
  "教育局",
  "建行",
  "工行",
  "农行",
  "中行",
  "农机厂",
  "糖厂",
  "烟草公司",
  "第一中学",
  "税务局",
  "公安局",
  "卫生局",
  "水利局",
  "林业局",
  "商业局",
  "物资局",
  "财政局",
  "人民医院",
  "中医院",
  "纺织厂",
  "造纸厂",
  "机械厂",
  "面粉厂",
  "酒厂",
  "食品厂",
  "啤酒厂",
  "印染厂",
  "化工厂",
  "邮电局",
  "广播局",
  "气象局",
  "法院",
  "检察院",
  "审计局",
  "统计局",
  "文化局",
  "房管局",
  "土地局",
  "城建局",
  "市政公司",
  "公交公司",
  "汽车站",
  "航运局",
  "港务局",
  "粮油公司",
  "百货公司",
  "五金公司",
  "供销社",
  "农资公司",
  "石油公司",
  "电信局",
  "党校",
  "师范学校",
  "卫校",
  "二中",
  "三中",
  "实验中学",
  "一高",
  "地质队",
  "水文站",
  "武装部",
  "建筑公司",
  "一建公司",
  "二建公司",
  "运输公司",
  "棉麻公司",
  "医药公司",
  "蔬菜公司",
  "肉联厂",
  "造船厂",
  "塑料厂",
  "玻璃厂",
  "水泥厂",
  "电机厂",
  "柴油机厂",
  "农科所",
  "畜牧局",
  "农业局",
  "民政局",
  "劳动局",
  "司法局",
  "工商局",
  "环保局",
  "防疫站",
  "妇幼保健院",
  "自来水公司",
  "煤建公司",
  "外贸公司",
  "针织厂",
  "皮革厂",
  "制药厂",
];

const OLD_SUFFIXES = ["家属院", "小区", "家属院", "宿舍", "家属楼", "小区"];
const OLD_PLACE_WORDS = [
  "红旗",
  "东风",
  "胜利",
  "工人",
  "建设",
  "和平",
  "团结",
  "向阳",
  "光明",
  "幸福",
  "前进",
  "友谊",
  "文化",
  "育新",
  "新华",
  "民主",
  "解放",
  "五一",
  "七一",
  "八一",
  "庆丰",
  "丰收",
  "沙河",
  "南关",
  "北关",
  "西关",
];

/** Old compound names: 某某厂家属院, 某某新村, 某某路12号院. */
export function composeOldCompound(rng: Rng, attempt: number, street: string): string {
  const r = rng.next();
  if (r < 0.72) return rng.pick(WORK_UNITS) + rng.pick(OLD_SUFFIXES);
  if (r < 0.86) return rng.pick(OLD_PLACE_WORDS) + rng.pick(["新村", "小区", "里"]);
  return `${street}${rng.int(1, 180 + attempt)}号院`;
}

const NEW_PREFIXES = [
  "阳光",
  "锦绣",
  "金色",
  "翠园",
  "御景",
  "书香",
  "桂园",
  "天润",
  "盛世",
  "名门",
  "绿城",
  "东方",
  "滨河",
  "水岸",
  "丽都",
  "凯旋",
  "润园",
  "金地",
  "华府",
  "领秀",
  "香榭",
  "紫荆",
  "枫林",
  "银河",
  "富贵",
  "和谐",
  "龙湖",
  "世纪",
  "森林",
  "状元",
  "学府",
  "兰庭",
  "荷塘",
  "春江",
  "半岛",
  "观澜",
  "君悦",
  "颐和",
  "清华",
];
const NEW_SUFFIXES = ["花园", "华庭", "名苑", "家园", "公馆", "雅居", "嘉园", "丽景", "新城", "公寓", "小区", "苑"];

export function composeNewCompound(rng: Rng, attempt: number): string {
  const n = rng.pick(NEW_PREFIXES) + rng.pick(NEW_SUFFIXES);
  return attempt > 200 ? `${n + zhNumber(2 + (attempt % 8))}期` : n;
}

export const CONVENIENCE_BRANDS = ["华联便利", "美宜佳", "好又多便利店", "丹尼斯便利店", "易捷便利店", "百姓便利店", "快客便利", "万家福超市"];
export const PHARMACY_BRANDS = ["张仲景大药房", "老百姓大药房", "益丰大药房", "周口医药大药房", "同仁堂药店", "健民大药房"];
export const BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "周口农商银行", "邮储银行"];
export const PARCEL_BRANDS = ["菜鸟驿站", "丰巢快递柜", "妈妈驿站", "兔喜生活", "京东快递站"];
export const PRIVATE_KINDERGARTENS = [
  "小太阳幼儿园",
  "贝贝佳幼儿园",
  "童心幼儿园",
  "阳光宝贝幼儿园",
  "金色摇篮幼儿园",
  "启蒙幼儿园",
  "新星幼儿园",
  "博雅幼儿园",
  "红黄蓝幼儿园",
  "蓝天幼儿园",
  "七彩虹幼儿园",
  "育英幼儿园",
  "爱心幼儿园",
  "小天鹅幼儿园",
];
export const MALLS = ["万顺达购物广场", "丹尼斯百货", "世纪联华超市", "新玛特购物中心", "胖东来生活广场", "华耀城商业中心"];
