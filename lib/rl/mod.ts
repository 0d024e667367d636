/**
 * Policies and the RL loop pieces that tie the model, rewards and trainers together.
 *
 * @module
 */
export * from "./policy.ts";
