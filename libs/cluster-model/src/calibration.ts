import type { ProductCategory, SalesChannel } from '@clusterpulse/contracts';

/**
 * The model's parameters in one place. Cluster totals are not among them: the baseline year's
 * 63 bn RMB is what 20,000 makers drawn from these distributions sell, and the calibration tests
 * check that it comes out that way for any seed.
 *
 * Sources of the orders of magnitude: Zhili/Huizhou-style children's-wear clusters are dominated
 * by workshops of 10-50 sewing workers; an experienced sewer on a line finishes 6-12 simple kids'
 * garments a day (fewer for outerwear); ex-works prices of kids' garments are 25-130 RMB.
 */
export const CALIBRATION = {
  /** Employees per maker: log-normal, most makers small, a long tail of large ones. */
  employees: { median: 22, sigma: 0.8, min: 3, max: 2500 },
  /** Pieces per employee per working day, by category (all staff, not only sewers). */
  piecesPerWorkerDay: {
    babywear: 8.87,
    tops: 9.38,
    bottoms: 8.62,
    dresses: 6.18,
    outerwear: 3.19,
    sleepwear: 9.58,
    schoolwear: 6.89,
  } satisfies Record<ProductCategory, number>,
  /** Spread of productivity between makers of the same category (log-space sigma). */
  productivitySigma: 0.18,
  /** Working days a workshop plans its capacity for. */
  workingDaysPerYear: 300,
  /** Ex-works price per piece in fen, by category; each maker varies it by +/- 25%. */
  unitPriceFen: {
    babywear: 4200,
    tops: 3600,
    bottoms: 4000,
    dresses: 6400,
    outerwear: 12800,
    sleepwear: 3400,
    schoolwear: 5200,
  } satisfies Record<ProductCategory, number>,
  /** Share of makers per main category. */
  categoryShare: {
    babywear: 0.2,
    tops: 0.22,
    bottoms: 0.16,
    dresses: 0.13,
    outerwear: 0.1,
    sleepwear: 0.09,
    schoolwear: 0.1,
  } satisfies Record<ProductCategory, number>,
  /** Price multiplier per channel: e-commerce sells closer to retail, wholesale at trade price. */
  channelPriceFactor: { ecommerce: 1.18, wholesale: 0.88, export: 1.02 } satisfies Record<SalesChannel, number>,
  /** Average pieces per order. */
  piecesPerOrder: { ecommerce: 1.7, wholesale: 180, export: 1200 } satisfies Record<SalesChannel, number>,
  /** Day-to-day demand noise of one maker and channel (log-space sigma). */
  dailyNoiseSigma: 0.25,
  /** Digitization at the start: log-normal around this median, larger makers further along. */
  digitization: { median: 0.16, sigma: 0.7, sizeBonus: 0.05, min: 0.02, max: 0.95 },
  /** Sewing capacity beyond ordinary demand, so peaks can be met with overtime. */
  capacityHeadroom: 1.35,
  /**
   * Waiting for fabric or trims that arrive late: chance per working day for a maker without
   * digitization, the share of it a fully digitized maker (buying through the platform) avoids, and
   * the mean length of a wait in shift hours.
   */
  supplyWait: { chancePerDay: 0.45, digitalReduction: 0.8, meanHours: 2.5 },
} as const;

/**
 * What a month of the simulated cluster's OEE must come to, rolled up over its devices as the server
 * does (calibration tests in oee.spec.ts). The source figures (DESIGN.md) give none, so these are
 * ranges for small apparel workshops from published benchmarks: Nakajima's world-class levels of
 * availability 90%, performance 95%, quality 99% and more, OEE 85% (oee.com, "World-Class OEE"),
 * which small workshops stay below; about 60% OEE for an average plant (same source); a sewing line
 * studied in Mathematical Problems in Engineering (Hindawi, 2024, "Improving Quality, Productivity,
 * and Cost Aspects of a Sewing Line of Apparel Industry Using TQM Approach", table 8) at OEE 60-63%,
 * performance 66-68% and quality 92.5-94% (6-7.5 defects per hundred units) before and after its
 * improvement programme.
 */
export const OEE_PLAUSIBLE = {
  availability: { min: 0.7, max: 0.9 },
  performance: { min: 0.75, max: 0.95 },
  quality: { min: 0.95, max: 0.99 },
  oee: { min: 0.5, max: 0.75 },
} as const;
