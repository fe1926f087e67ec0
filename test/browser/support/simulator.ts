import type { SimulationHandle, SimulationOptions } from '../../../apps/simulator/src/simulation';

/** Runs the cluster simulator in this process against the given broker port (anonymous gateways). */
export async function startSimulator(mqttPort: number, options: Partial<SimulationOptions> = {}): Promise<SimulationHandle> {
  const { startSimulation } = await import('../../../apps/simulator/src/simulation');
  const simulation = startSimulation({ brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, makers: 40, speed: 86_400, reportIntervalMs: 500, ...options });
  await simulation.allConnected;
  return simulation;
}
