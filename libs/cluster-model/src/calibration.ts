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
} as const;
