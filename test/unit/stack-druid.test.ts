import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DRUID_PORT_BASE, DEFAULT_PORTS, loadStackConfig } from '../../src/config/stack-config.ts';
import { DRUID_SERVICES } from '../../src/stack/local/druid.ts';
import {
  DRUID_ROLES,
  druidJdbcUrl,
  druidPorts,
  druidUrl,
  jvmOptions,
  renderDruidConf,
} from '../../src/stack/local/druid-conf.ts';
import { localServices, localStackEnv } from '../../src/stack/local/stack.ts';
import { renderTrinoEtc } from '../../src/stack/local/trino.ts';

const tempStack = () => mkdtempSync(join(tmpdir(), 'kpi-druid-stack-'));

describe('the local Druid settings', () => {
  it('takes seven ports from KPI_DRUID_PORT_BASE (default clear of every other service) with the router first', () => {
    const config = loadStackConfig({ KPI_DRUID_PORT_BASE: '58700' });
    expect(druidPorts(config)).toEqual({
      router: 58700,
      coordinator: 58701,
      broker: 58702,
      historical: 58703,
      indexer: 58704,
      zookeeper: 58705,
      derby: 58706,
    });
    expect(druidUrl(config)).toBe('http://127.0.0.1:58700');
    expect(druidJdbcUrl(config)).toBe('jdbc:avatica:remote:url=http://127.0.0.1:58700/druid/v2/sql/avatica/');
    const defaults = Object.values(druidPorts(loadStackConfig({})));
    expect(defaults[0]).toBe(DEFAULT_DRUID_PORT_BASE);
    const others = [...Object.values(DEFAULT_PORTS), DEFAULT_PORTS.trino + 1];
    expect(defaults.filter((port) => others.includes(port))).toEqual([]);
  });

  it('refuses a base that is no port or leaves no room for the six after it', () => {
    expect(() => loadStackConfig({ KPI_DRUID_PORT_BASE: 'x' })).toThrow(
      /KPI_DRUID_PORT_BASE=x is not a TCP port/,
    );
    expect(() => loadStackConfig({ KPI_DRUID_PORT_BASE: '65530' })).toThrow(/not a TCP port/);
    expect(loadStackConfig({ KPI_DRUID_PORT_BASE: '65529' }).druidPortBase).toBe(65529);
  });

  it('renders every file of druid/conf with this stack ports and folders, no placeholder left', () => {
    const dir = tempStack();
    const config = loadStackConfig({ KPI_STACK_DIR: dir, KPI_DRUID_PORT_BASE: '40100' });
    const conf = renderDruidConf(config);
    const roles = DRUID_ROLES.filter((r) => r !== 'zookeeper');
    for (const folder of ['_common', ...roles]) {
      for (const file of readdirSync(join(conf, folder))) {
        expect(readFileSync(join(conf, folder, file), 'utf8'), `${folder}/${file}`).not.toMatch(/\$\{ENV:/);
      }
    }
    const common = readFileSync(join(conf, '_common', 'common.runtime.properties'), 'utf8');
    expect(common).toContain('druid.zk.service.host=127.0.0.1:40105');
    expect(common).toContain(
      `jdbc:derby://127.0.0.1:40106/${join(dir, 'druid', 'var')}/metadata.db;create=true`,
    );
    expect(common).toContain(`druid.storage.storageDirectory=${join(dir, 'druid', 'var', 'segments')}`);
    const port = (role: string) =>
      /druid\.plaintextPort=(\d+)/.exec(readFileSync(join(conf, role, 'runtime.properties'), 'utf8'))?.[1];
    expect(roles.map(port)).toEqual(['40101', '40102', '40103', '40104', '40100']);
    // Java 17 needs these opens for Druid's off-heap memory (a load fails without them).
    expect(jvmOptions(join(conf, '_common', 'jvm.config'))).toContain(
      '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    );
    // Rendering again (each service renders before it starts) changes nothing.
    expect(renderDruidConf(config)).toBe(conf);
  });

  it('joins the stack only when asked or already running, and then writes DRUID_URL', () => {
    const config = loadStackConfig({ KPI_STACK_DIR: tempStack() });
    expect(localServices(config, false).some((s) => s.name.startsWith('druid-'))).toBe(false);
    expect(localServices(config, true).slice(-DRUID_SERVICES.length)).toEqual(DRUID_SERVICES);
    expect(localStackEnv(config).DRUID_URL).toBeUndefined();
    expect(localStackEnv(config, true).DRUID_URL).toBe(druidUrl(config));
  });

  it('gives Trino a druid catalog only where Trino has the druid plugin', () => {
    const config = loadStackConfig({ KPI_STACK_DIR: tempStack() });
    const trinoHome = tempStack();
    mkdirSync(join(trinoHome, 'plugin', 'postgresql'), { recursive: true });
    const without = renderTrinoEtc(config, trinoHome);
    expect(readdirSync(join(without, 'catalog'))).not.toContain('druid.properties');
    mkdirSync(join(trinoHome, 'plugin', 'druid'), { recursive: true });
    const withPlugin = renderTrinoEtc(config, trinoHome);
    expect(readFileSync(join(withPlugin, 'catalog', 'druid.properties'), 'utf8')).toContain(
      `connection-url=${druidJdbcUrl(config)}`,
    );
    expect(readdirSync(join(config.stackDir, 'trino', 'plugin'))).toContain('druid');
  });
});
