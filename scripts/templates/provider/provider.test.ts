import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/subgraph/config.js';
import { readProviderConfig } from '../../shared/subgraph/provider.js';
import { __name__ } from './provider.js';
import { __NAME___SIMULATOR_API_KEY, startForSubgraph } from './simulator/index.js';

const read__Name__Config = (env: NodeJS.ProcessEnv) => readProviderConfig(__name__, env);

describe('the __Label__ configuration', () => {
  it('has its ports, and no API URL or key until they are configured', () => {
    expect(read__Name__Config({})).toMatchObject({
      apiUrl: undefined,
      apiKey: '',
      subgraphPort: __SUBGRAPH_PORT__,
      simulatorPort: __SIMULATOR_PORT__,
    });
  });

  it('needs the API key for the real API', () => {
    expect(() => read__Name__Config({ __NAME___API_URL: 'https://api.example.com' })).toThrow(ConfigError);
    expect(() => read__Name__Config({ __NAME___API_URL: 'https://api.example.com' })).toThrow(/__NAME___API_KEY/);
    expect(read__Name__Config({ __NAME___API_URL: 'https://api.example.com', __NAME___API_KEY: 'k1' }).apiKey).toBe('k1');
  });

  it('against its simulator: the simulator’s URL and the key it accepts', async () => {
    const started = await startForSubgraph({ __NAME___API_KEY: 'a-real-key' }, { host: '127.0.0.1', port: 0, faults: {} });
    try {
      expect(read__Name__Config({ ...started.env })).toMatchObject({ apiUrl: started.simulator.url, apiKey: __NAME___SIMULATOR_API_KEY });
    } finally {
      await started.simulator.stop();
    }
  });
});
