import { describe, expect, it } from "vitest";
import { ValidationError } from "../../server/errors.js";
import {
  bd09ToGcj02,
  bd09ToWgs84,
  gcj02ToBd09,
  gcj02ToWgs84,
  parseCrs,
  toWgs84,
  wgs84ToBd09,
  wgs84ToGcj02,
  type Crs,
  type LonLat,
} from "../../server/import/crs.js";

/** Great-circle distance in metres (haversine on the IUGG mean sphere, R = 6 371 008.8 m). */
function haversineM([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

const CONVERSIONS = { wgs84ToGcj02, gcj02ToWgs84, gcj02ToBd09, bd09ToGcj02, bd09ToWgs84, wgs84ToBd09 };

interface Vector {
  fn: keyof typeof CONVERSIONS;
  input: LonLat;
  expected: LonLat;
  /** Repository and file the pair was published in. */
  source: string;
}

// Published pairs from other implementations (all [lon, lat]; eviltransform lists lat first and
// is swapped here). Each is checked to 2 m: the libraries round differently and some use the
// one-step GCJ-02 inverse, which is off by centimetres to a metre.
const VECTORS: Vector[] = [
  // wandergis/coordtransform test/app.js (the "//result" comments, input 116.404, 39.915)
  { fn: "wgs84ToGcj02", input: [116.404, 39.915], expected: [116.41024449916938, 39.91640428150164], source: "wandergis/coordtransform test/app.js" },
  { fn: "gcj02ToBd09", input: [116.404, 39.915], expected: [116.41036949371029, 39.92133699351021], source: "wandergis/coordtransform test/app.js" },
  { fn: "bd09ToGcj02", input: [116.404, 39.915], expected: [116.39762729119315, 39.90865673957631], source: "wandergis/coordtransform test/app.js" },
  // …its gcj02towgs84 is the one-step approximation; ours is exact, so this agrees only to ~0.06 m.
  { fn: "gcj02ToWgs84", input: [116.404, 39.915], expected: [116.39775550083061, 39.91359571849836], source: "wandergis/coordtransform test/app.js" },

  // googollee/eviltransform go/transform_test.go (same table in javascript/test.js, python/test.py):
  // wgsLat, wgsLng, gcjLat, gcjLng for Shanghai, Shenzhen, Beijing. Checked both ways.
  {
    fn: "wgs84ToGcj02",
    input: [121.5272106, 31.1774276],
    expected: [121.531541859215, 31.17530398364597],
    source: "googollee/eviltransform go/transform_test.go (shanghai)",
  },
  {
    fn: "wgs84ToGcj02",
    input: [113.912316, 22.543847],
    expected: [113.9171764808363, 22.540796131694766],
    source: "googollee/eviltransform go/transform_test.go (shenzhen)",
  },
  {
    fn: "wgs84ToGcj02",
    input: [116.377817, 39.911954],
    expected: [116.38404722455657, 39.91334545536069],
    source: "googollee/eviltransform go/transform_test.go (beijing)",
  },
  {
    fn: "gcj02ToWgs84",
    input: [121.531541859215, 31.17530398364597],
    expected: [121.5272106, 31.1774276],
    source: "googollee/eviltransform go/transform_test.go (shanghai, reversed)",
  },
  {
    fn: "gcj02ToWgs84",
    input: [113.9171764808363, 22.540796131694766],
    expected: [113.912316, 22.543847],
    source: "googollee/eviltransform go/transform_test.go (shenzhen, reversed)",
  },
  {
    fn: "gcj02ToWgs84",
    input: [116.38404722455657, 39.91334545536069],
    expected: [116.377817, 39.911954],
    source: "googollee/eviltransform go/transform_test.go (beijing, reversed)",
  },
  // Not used: eviltransform python/test.py TESTS_bd (bd2wgs, near Jinhua). Those pairs are 10 m and
  // 41 m from ours; they were produced by its old python/eviltransform.py, whose gcj2bd/bd2gcj use
  // sin(y·π) where every other implementation (including its own later python/eviltransform/
  // __init__.py) uses sin(y·3000π/180). Recomputing with that slip reproduces them to ~1.5 m.

  // hujiulong/gcoord test/unit/crs/{WGS84,GCJ02,BD09}.spec.ts, input [123, 45], 8 decimals.
  { fn: "wgs84ToGcj02", input: [123, 45], expected: [123.00607541, 45.00197815], source: "hujiulong/gcoord test/unit/crs/WGS84.spec.ts" },
  { fn: "wgs84ToBd09", input: [123, 45], expected: [123.0124491, 45.0083293], source: "hujiulong/gcoord test/unit/crs/WGS84.spec.ts" },
  { fn: "gcj02ToWgs84", input: [123, 45], expected: [122.99395597, 44.99804071], source: "hujiulong/gcoord test/unit/crs/GCJ02.spec.ts" },
  { fn: "gcj02ToBd09", input: [123, 45], expected: [123.00636499, 45.00636899], source: "hujiulong/gcoord test/unit/crs/GCJ02.spec.ts" },
  { fn: "bd09ToGcj02", input: [123, 45], expected: [122.99363304, 44.9936543], source: "hujiulong/gcoord test/unit/crs/BD09.spec.ts" },
  { fn: "bd09ToWgs84", input: [123, 45], expected: [122.9876221, 44.9917154], source: "hujiulong/gcoord test/unit/crs/BD09.spec.ts" },

  // hujiulong/gcoord test/fixtures/china-cities.json: the same place in WGS84, GCJ02 and BD09
  // (7 decimals) for cities across China; a few from the far north-east, west and south-east.
  {
    fn: "wgs84ToGcj02",
    input: [123.4253306, 41.8032629],
    expected: [123.4314787, 41.8057023],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (沈阳市)",
  },
  {
    fn: "gcj02ToWgs84",
    input: [123.4314787, 41.8057023],
    expected: [123.4253306, 41.8032629],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (沈阳市)",
  },
  {
    fn: "bd09ToWgs84",
    input: [123.438095, 41.8114013],
    expected: [123.4253306, 41.8032629],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (沈阳市)",
  },
  {
    fn: "wgs84ToBd09",
    input: [98.4937175, 39.7319946],
    expected: [98.5008441, 39.7388949],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (酒泉市)",
  },
  {
    fn: "bd09ToGcj02",
    input: [98.5008441, 39.7388949],
    expected: [98.4943595, 39.7328234],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (酒泉市)",
  },
  {
    fn: "gcj02ToWgs84",
    input: [118.6756787, 24.8741363],
    expected: [118.6711365, 24.8770487],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (泉州市)",
  },
  {
    fn: "gcj02ToBd09",
    input: [118.6756787, 24.8741363],
    expected: [118.6821251, 24.8804872],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (泉州市)",
  },
  {
    fn: "bd09ToWgs84",
    input: [114.0287781, 33.0176697],
    expected: [114.0164322, 33.0133556],
    source: "hujiulong/gcoord test/fixtures/china-cities.json (驻马店市)",
  },
];

describe("conversions match published test vectors", () => {
  it.each(VECTORS)("$fn($input) ≈ $expected  [$source]", ({ fn, input, expected }) => {
    const got = CONVERSIONS[fn](...input);
    expect(haversineM(got, expected)).toBeLessThan(2);
  });
});

describe("round trips", () => {
  // A 1° grid over mainland China's cities (lon 98–124, lat 21–45), plus one point per corner.
  const grid: LonLat[] = [];
  for (let lon = 98.25; lon <= 124; lon += 1) for (let lat = 21.5; lat <= 45; lat += 1) grid.push([lon, lat]);
  grid.push([73.5, 39.4], [134.7, 48.3], [109.5, 18.2], [87.6, 49.1]);

  it("wgs84 → gcj02 → wgs84 returns within 0.01 m", () => {
    let worstM = 0;
    for (const p of grid) worstM = Math.max(worstM, haversineM(gcj02ToWgs84(...wgs84ToGcj02(...p)), p));
    expect(worstM).toBeLessThan(0.01);
  });

  it("gcj02 → wgs84 → gcj02 returns within 0.01 m (the inverse is exact from either side)", () => {
    let worstM = 0;
    for (const p of grid) worstM = Math.max(worstM, haversineM(wgs84ToGcj02(...gcj02ToWgs84(...p)), p));
    expect(worstM).toBeLessThan(0.01);
  });

  it("wgs84 → bd09 → wgs84 returns within 0.5 m (the usual closed-form BD-09 inverse is ~0.2 m off)", () => {
    let worstM = 0;
    for (const p of grid) worstM = Math.max(worstM, haversineM(bd09ToWgs84(...wgs84ToBd09(...p)), p));
    expect(worstM).toBeLessThan(0.5);
  });

  it("the GCJ-02 shift itself is hundreds of metres, so the round trips above are not trivial", () => {
    expect(haversineM(wgs84ToGcj02(116.404, 39.915), [116.404, 39.915])).toBeGreaterThan(300);
  });
});

describe("outside China", () => {
  const outside: Array<[string, LonLat]> = [
    ["London", [-0.1276, 51.5072]],
    ["Tokyo (east of lon 137.8347)", [139.6917, 35.6895]],
    ["Jakarta (south of lat 0.8293)", [106.8456, -6.2088]],
    ["Tomsk (north of lat 55.8271)", [84.9744, 56.4977]],
    ["Kabul (west of lon 72.004)", [69.2075, 34.5553]],
  ];
  it.each(outside)("%s is not shifted by any conversion", (_name, p) => {
    for (const fn of Object.values(CONVERSIONS)) expect(fn(...p)).toEqual(p);
    for (const crs of ["wgs84", "gcj02", "bd09"] as const) expect(toWgs84(crs, ...p)).toEqual(p);
  });

  it("the test is the usual coarse bounding box, not the border: Seoul is inside it and shifted", () => {
    expect(haversineM(wgs84ToGcj02(126.978, 37.5665), [126.978, 37.5665])).toBeGreaterThan(100);
  });
});

describe("toWgs84", () => {
  it("dispatches on the source coordinate system", () => {
    expect(toWgs84("wgs84", 116.404, 39.915)).toEqual([116.404, 39.915]);
    expect(toWgs84("gcj02", 116.404, 39.915)).toEqual(gcj02ToWgs84(116.404, 39.915));
    expect(toWgs84("bd09", 116.404, 39.915)).toEqual(bd09ToWgs84(116.404, 39.915));
  });
});

describe("parseCrs", () => {
  const accepted: Array<[string, Crs]> = [
    ["wgs84", "wgs84"],
    ["WGS84", "wgs84"],
    ["WGS-84", "wgs84"],
    ["EPSG:4326", "wgs84"],
    [" wgs84 ", "wgs84"],
    ["gcj02", "gcj02"],
    ["GCJ-02", "gcj02"],
    ["gcj_02", "gcj02"],
    ["GCJ02", "gcj02"],
    ["bd09", "bd09"],
    ["BD-09", "bd09"],
    ["BD09", "bd09"],
    ["bd09ll", "bd09"],
  ];
  it.each(accepted)("reads %j as %s", (value, crs) => {
    expect(parseCrs(value)).toBe(crs);
  });

  it("rejects an unknown name with an error that names the value and lists the accepted ones", () => {
    let error: unknown;
    try {
      parseCrs("mercator");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const { message, errors } = error as ValidationError;
    expect(message).toContain('"mercator"');
    for (const name of ["wgs84", "GCJ-02", "BD-09"]) expect(message).toContain(name);
    expect(errors).toEqual([
      { name: "crs", reason: expect.stringContaining('"mercator"'), code: "invalid_value", params: { values: expect.stringContaining("GCJ-02") } },
    ]);
  });

  it("names the field it was given", () => {
    expect(() => parseCrs("", "layers[2].crs")).toThrow(/^layers\[2\]\.crs: unknown coordinate system ""/);
    expect(() => parseCrs("bd-09mc", "sourceCrs")).toThrow(/sourceCrs: .*"bd-09mc"/);
  });

  it("does not accept names that only look like keys of an object", () => {
    expect(() => parseCrs("constructor")).toThrow(ValidationError);
    expect(() => parseCrs("toString")).toThrow(ValidationError);
  });
});
