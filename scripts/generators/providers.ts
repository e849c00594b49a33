import type { ValidatorSpec } from 'envalid';
import type { ProviderPorts } from '../../shared/subgraph/module.js';
import { settingPrefix, type AnyProvider } from '../../shared/subgraph/provider.js';

/** A setting as the generators list it: envalid's spec, with its default, description and example. */
export type SettingSpec = ValidatorSpec<unknown>;
export type SettingSpecs = Record<string, SettingSpec>;

/** What the generated files say about one provider: its descriptor's facts and its simulator's own settings. */
export interface ProviderFacts {
  name: string;
  provider: string;
  label: string;
  /** `OPENVOLT` for openvolt. */
  prefix: string;
  ports: ProviderPorts;
  /** Its MeteringPoint field with readings, for the metering composite (subgraphs/metering/sources.ts). */
  meteringPointSeries?: { field: string; production: boolean };
  settings: SettingSpecs;
  simulatorSettings: SettingSpecs;
}

/** The facts of every provider, in the registry's order; refuses a registry whose names or ports collide. */
export async function providerFacts(providers: readonly AnyProvider[]): Promise<ProviderFacts[]> {
  const facts = await Promise.all(
    providers.map(
      async (descriptor): Promise<ProviderFacts> => ({
        name: descriptor.name,
        provider: descriptor.provider,
        label: descriptor.label,
        prefix: settingPrefix(descriptor),
        ports: descriptor.ports,
        meteringPointSeries: descriptor.meteringPointSeries,
        settings: descriptor.settings as SettingSpecs,
        simulatorSettings: (await descriptor.simulator()).settings ?? {},
      }),
    ),
  );
  checkRegistry(facts);
  return facts;
}

/** One provider, one name, one setting prefix and ports of its own: what every generated file assumes. */
export function checkRegistry(facts: readonly ProviderFacts[]): void {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { name, provider, prefix, ports } of facts) {
    if (provider !== prefix) problems.push(`${name}: provider is ${provider}, but its settings are named ${prefix}_…`);
    for (const [what, value] of [
      ['name', name],
      ['port', String(ports.subgraph)],
      ['port', String(ports.simulator)],
      ...(ports.webhook === undefined ? [] : [['port', String(ports.webhook)]]),
    ]) {
      const owner = seen.get(`${what} ${value}`);
      if (owner) problems.push(`${name}: ${what} ${value} is ${owner}'s too`);
      seen.set(`${what} ${value}`, name);
    }
  }
  if (problems.length > 0) throw new Error(`subgraphs/registry.ts:\n  ${problems.join('\n  ')}`);
}
