/** Whether a process exists; EPERM means alive, owned by another user (the `postgres` user when running as root). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
