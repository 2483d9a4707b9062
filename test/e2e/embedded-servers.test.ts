import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../src/embedded/project-root';
import { buildDistOnce } from '../helpers/build';
import { readProvisionManifest } from '../../src/embedded/provision-manifest';

const accepts = (address: string): Promise<boolean> =>
  new Promise((resolve) => {
    const [host, port] = address.split(':');
    const socket = createConnection({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

// The server must run in a process that can crash, so the production module is built and loaded by a child.
describe('an embedded Temporal server', () => {
  const root = projectRoot();

  beforeAll(() => {
    buildDistOnce();
  }, 120_000);

  it('dies with the process that started it, also when that process crashes', async () => {
    const cli = readProvisionManifest(root).temporalCli.path;
    if (cli === undefined) throw new Error('the Temporal CLI is not provisioned (npm run provision)');
    const script = `
      const { startDevServer } = require(${JSON.stringify(join(root, 'dist', 'src', 'embedded', 'temporal-server.js'))});
      startDevServer({ executable: ${JSON.stringify(cli)}, headless: true }).then((server) => {
        process.stdout.write(server.address + '\\n');
        setTimeout(() => { throw new Error('crash without stopping the server'); }, 100);
      });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', () => reject(new Error('the child exited before its server was up')));
    });
    expect(await accepts(address)).toBe(true);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    // SIGKILL is immediate, but the port closes when the kernel has reaped the server.
    let open = true;
    for (let i = 0; i < 50 && open; i++) {
      open = await accepts(address);
      if (open) await new Promise((r) => setTimeout(r, 100));
    }
    expect(open).toBe(false);
  }, 60_000);
});
