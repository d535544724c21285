import { krcc, plcc, rmse, srcc } from './correlation.js';
import { fitLogistic4, logistic4, type Logistic4 } from './logistic.js';

/** The standard IQA report of predictions against MOS. */
export interface IqaMetrics {
  n: number;
  srcc: number;
  krcc: number;
  /** Pearson correlation of the raw predictions. */
  plcc: number;
  /** Pearson correlation after the 4-parameter logistic mapping. */
  plccLogistic: number;
  /** RMSE of the raw predictions (meaningful when they are on the MOS scale). */
  rmse: number;
  /** RMSE after the logistic mapping. */
  rmseLogistic: number;
  logistic: Logistic4;
}

/**
 * Scores predictions against MOS with SRCC, KRCC, PLCC (raw and after the logistic fit) and RMSE.
 *
 * @example
 * const m = evaluatePredictions([1, 2, 3, 4], [10, 25, 20, 40]);
 * m.srcc; // 0.8
 */
export function evaluatePredictions(pred: ArrayLike<number>, mos: ArrayLike<number>): IqaMetrics {
  const logistic = fitLogistic4(pred, mos);
  const mapped = Array.from(pred, (v) => logistic4(logistic, v));
  return {
    n: pred.length,
    srcc: srcc(pred, mos),
    krcc: krcc(pred, mos),
    plcc: plcc(pred, mos),
    plccLogistic: plcc(mapped, mos),
    rmse: rmse(pred, mos),
    rmseLogistic: rmse(mapped, mos),
    logistic,
  };
}
