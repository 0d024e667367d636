/**
 * Starts the plain JavaScript tfjs cpu backend, with a fast `UnsortedSegmentSum`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { Attempt } from "./attempt.ts";
import { replaceKernel } from "./kernels.ts";
import { segmentSumKernels } from "./segment_sum.ts";

/** Makes the cpu backend active. */
export async function initCpu(): Promise<Attempt> {
  for (const config of segmentSumKernels([], true)) replaceKernel(config);
  if (!(await tf.setBackend("cpu"))) return { ok: false, reason: "cpu backend failed" };
  // Skip its one-time "install tfjs-node" console banner: the ladder already reports choices.
  (tf.findBackend("cpu") as unknown as { firstUse: boolean }).firstUse = false;
  return { ok: true, reason: "tfjs cpu (plain JavaScript)" };
}
