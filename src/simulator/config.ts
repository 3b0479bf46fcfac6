// The simulator's settings (SIMULATOR_PORT, SIMULATOR_API_KEY): for `npm run simulator` and the sandbox.
import { z } from 'zod';
import { parseEnvironment, type Env } from '../config/config-error';
import { listenAddress, port, text, variable } from '../config/values';

export interface SimulatorConfig {
  port: number;
  /** The bearer key the simulator's API accepts. */
  apiKey: string;
}

/** Also part of the receiver's variables: its sandbox runs the simulator with these settings. */
export const simulatorVariables = {
  SIMULATOR_PORT: variable(port.default(8081)),
  SIMULATOR_API_KEY: variable(text.default('sandbox')),
};

export const SIMULATOR_SECRETS = ['SIMULATOR_API_KEY'];

export function simulatorConfigFrom(values: {
  SIMULATOR_PORT: number;
  SIMULATOR_API_KEY: string;
}): SimulatorConfig {
  return { port: values.SIMULATOR_PORT, apiKey: values.SIMULATOR_API_KEY };
}

const standalone = z
  .object({ HOST: variable(listenAddress), ...simulatorVariables })
  .transform((values) => ({ host: values.HOST, ...simulatorConfigFrom(values) }));

/** `npm run simulator`: only its own variables (and HOST) are read, so the receiver's cannot stop it. */
export function loadSimulatorConfig(
  env: Env = process.env,
): Readonly<SimulatorConfig & { host: string }> {
  return Object.freeze(parseEnvironment(standalone, env, new Set(SIMULATOR_SECRETS)));
}
