/**
 * Difficulty by measured pass rate: the base model samples k completions per training problem,
 * and the problems are cut into easy / medium / hard thirds by pass rate — then set against their
 * dataset levels.
 *
 * @module
 */
import type { Bins } from "../curriculum/bins.ts";
import { cutByPassRate } from "../curriculum/pass_rate.ts";
import type { Problem } from "../data/problem.ts";
import type { BaseModel } from "./base_model.ts";
import { chart, markdown, type Viewable } from "./display.ts";
import { type Missing, notice } from "./missing.ts";
import {
  measurePassRates,
  passRateBinsSpec,
  passRateBinsTable,
  passRateByLevelTable,
  type PassRateOptions,
} from "./curriculum_views.ts";

/** Measured pass rates and the bins they give. */
export interface PassRateStudy {
  ok: true;
  problems: Problem[];
  rates: number[];
  bins: Bins<Problem>;
  k: number;
  seconds: number;
}

/** Measures the base model's pass rates on `problems` and bins them; {@link Missing} without a base. */
export function passRateStudy(
  base: BaseModel,
  problems: Problem[],
  options: PassRateOptions,
): PassRateStudy | Missing {
  if (!base.ok) return { ok: false, message: base.message };
  const t0 = performance.now();
  const rates = measurePassRates(base.policy, problems, options);
  return {
    ok: true,
    problems,
    rates,
    bins: cutByPassRate(problems, rates),
    k: options.k,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The study's tables (by level, by bin) and chart, or the notice of what is missing. */
export function passRateViews(study: PassRateStudy | Missing): Viewable[] {
  if (!study.ok) return [notice(study.message)];
  return [
    markdown(
      `${study.problems.length} training problems × ${study.k} samples, measured in ${
        study.seconds.toFixed(1)
      } s. Mean pass rate per dataset level:`,
    ),
    passRateByLevelTable(study.problems, study.rates),
    markdown("Pass-rate bins (top third easy, bottom third hard; ties share a bin):"),
    passRateBinsTable(study.problems, study.rates, study.bins),
    chart(passRateBinsSpec(study.bins, "Dataset level vs measured difficulty")),
  ];
}
