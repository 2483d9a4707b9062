import { getTestServers, setTestServers } from './servers';

export default async function globalTeardown(): Promise<void> {
  const servers = getTestServers();
  if (!servers) return;
  setTestServers(undefined);
  await Promise.allSettled([servers.devServer.stop(), servers.postgres.stop(), servers.mailpit.stop()]);
}
