/**
 * The forecasting method the scheduled job uses, chosen by the backtest (npm run eval:forecast,
 * bench/results/forecast.json; the README says why): simple exponential smoothing, alpha 0.3. It
 * had the best combined WAPE and MASE over the validation origins; Croston-SBA and the
 * intermittency switch did worse on both, the damped trend no better.
 */
import { ses, type Method } from './methods';

export const chosenMethodName = 'ses-0.3';
export const chosenMethod: Method = ses(0.3);
