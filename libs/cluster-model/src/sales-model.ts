import { SALES_CHANNELS, type SalesChannel } from '@clusterpulse/contracts';
import { CALIBRATION } from './calibration';
import type { Maker } from './maker';
import { Rng } from './prng';
import type { Scenario } from './scenarios';
import { seasonality } from './seasonality';

/** One channel's sales of one maker over some span. */
export interface ChannelSales {
  orders: number;
  pieces: number;
  amountFen: number;
}

/** A maker's sales of one day, by channel in SALES_CHANNELS order. */
export type DayBook = ChannelSales[];

/** Ordinary demand of a maker in pieces per calendar day, before seasons and scenarios. */
export function ordinaryDemandPerDay(maker: Maker): number {
  return (maker.employees * maker.piecesPerWorkerDay * CALIBRATION.workingDaysPerYear) / 365;
}

/** Price of one piece in a channel, whole fen. */
export function channelPriceFen(maker: Maker, channel: SalesChannel): number {
  return Math.round(maker.unitPriceFen * CALIBRATION.channelPriceFactor[channel]);
}

/**
 * The orders a maker takes on one day. Each day has its own random stream (maker seed + day), so a
 * day's book is the same however the simulation is stepped, paused or sped up.
 */
export function dayBook(maker: Maker, day: number, scenario: Scenario): DayBook {
  const rng = Rng.keyed(maker.seed, day);
  const p = paramsOf(maker);
  const sigma = CALIBRATION.dailyNoiseSigma;
  const book: DayBook = [];
  for (let c = 0; c < CHANNELS.length; c++) {
    const channel = CHANNELS[c];
    if (p.demand[c] <= 0) {
      book.push({ orders: 0, pieces: 0, amountFen: 0 });
      continue;
    }
    // the noise is mean-one: exp(sigma * z - sigma^2 / 2)
    const noise = Math.exp(sigma * rng.normal() - (sigma * sigma) / 2);
    const expected = p.demand[c] * seasonality(day, channel, maker.category) * scenario.demandFactor(maker, day, channel) * noise;
    // orders arrive as a Poisson stream; an order's size varies around the channel's usual size
    const orders = rng.poisson(expected / p.perOrder[c]);
    const pieces = orders === 0 ? 0 : Math.max(orders, Math.round(orders * p.perOrder[c] * Math.exp(0.1 * rng.normal() - 0.005)));
    book.push({ orders, pieces, amountFen: pieces * p.price[c] });
  }
  return book;
}

const CHANNELS: readonly SalesChannel[] = [...SALES_CHANNELS];

interface SalesParams {
  /** Ordinary pieces per day, by channel. */
  demand: Float64Array;
  perOrder: Float64Array;
  price: Float64Array;
}

const paramsCache = new WeakMap<Maker, SalesParams>();

function paramsOf(maker: Maker): SalesParams {
  let p = paramsCache.get(maker);
  if (!p) {
    const base = ordinaryDemandPerDay(maker);
    p = {
      demand: Float64Array.from(CHANNELS, (c) => base * maker.channelShare[c]),
      perOrder: Float64Array.from(CHANNELS, (c) => CALIBRATION.piecesPerOrder[c]),
      price: Float64Array.from(CHANNELS, (c) => channelPriceFen(maker, c)),
    };
    paramsCache.set(maker, p);
  }
  return p;
}

/**
 * When in the day orders arrive, per channel, as cumulative thousandths at the start of each hour
 * (China time): e-commerce peaks in the evening, trade during office hours.
 */
const HOURLY_WEIGHTS: Record<SalesChannel, number[]> = {
  ecommerce: [3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 5, 5, 5, 5, 5, 6, 7, 8, 9, 8, 5],
  wholesale: [0, 0, 0, 0, 0, 0, 0, 1, 6, 10, 11, 10, 6, 8, 10, 10, 9, 7, 4, 2, 1, 0, 0, 0],
  export: [0, 0, 0, 0, 0, 0, 0, 0, 5, 12, 12, 11, 6, 11, 12, 12, 10, 6, 3, 0, 0, 0, 0, 0],
};

function cumulative(weights: number[]): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const cum = new Float64Array(25);
  for (let h = 0; h < 24; h++) cum[h + 1] = cum[h] + weights[h] / total;
  cum[24] = 1;
  return cum;
}

const CUMULATIVE = SALES_CHANNELS.map((c) => cumulative(HOURLY_WEIGHTS[c]));

/**
 * The part of a day's book that falls in one hour. Integer shares of the day's figures by the
 * cumulative profile, so the 24 hours of a day add up exactly to the day's book.
 */
export function hourShare(book: DayBook, hour: number, into: ChannelSales[]): void {
  for (let c = 0; c < book.length; c++) {
    const from = CUMULATIVE[c][hour];
    const to = CUMULATIVE[c][hour + 1];
    const line = book[c];
    const target = into[c];
    target.orders += Math.floor(line.orders * to + 1e-9) - Math.floor(line.orders * from + 1e-9);
    target.pieces += Math.floor(line.pieces * to + 1e-9) - Math.floor(line.pieces * from + 1e-9);
    target.amountFen += Math.floor(line.amountFen * to + 1e-9) - Math.floor(line.amountFen * from + 1e-9);
  }
}
