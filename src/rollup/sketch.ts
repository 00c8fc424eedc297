/**
 * The sketch a Druid-backed rollup stores for `approx_distinct(col)`: an Apache DataSketches HLL sketch
 * per bucket (druid-datasketches' `HLLSketchBuild`), merged at query time by
 * `APPROX_COUNT_DISTINCT_DS_HLL` for any union of buckets. Its error is a property of the sketch's size,
 * stated with every answer read from it.
 * https://druid.apache.org/docs/latest/development/extensions-core/datasketches-hll
 * https://datasketches.apache.org/docs/HLL/HllSketches.html
 */

/** log2 of the sketch's buckets: Druid's default (4,096 buckets, ~2.6 KB per HLL_4 sketch). */
export const HLL_LG_K = 12;
export const HLL_TYPE = 'HLL_4';

/**
 * Relative standard error of a merged HLL sketch: 1.04 / sqrt(K) (DataSketches' HLL accuracy; a sketch
 * read whole has HIP's smaller 0.836 / sqrt(K), but every answer here may merge buckets). 1.625 % at lgK 12.
 * Below about K/8 distinct values the sketch is in list or set mode and counts all but exactly.
 */
export const HLL_RSE = 1.04 / Math.sqrt(2 ** HLL_LG_K);

/** Standard deviations the stated bound spans: 3, i.e. 99.7 % of answers lie within it. */
export const BOUND_STDDEVS = 3;
export const BOUND_CONFIDENCE = 0.997;
