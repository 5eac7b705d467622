/**
 * A loopback TCP listener that counts the connections it gets and greets each with a 220: the SSRF tests prove
 * "nothing was dialled" by a count of zero, and use the greeting for their positive controls.
 */
import net from 'node:net';

export interface CountingListener {
  port: number;
  connections(): number;
}

/** Starts one; `cleanups` gets the function that closes it (and every socket it accepted). */
export async function countingListener(cleanups: (() => Promise<void>)[]): Promise<CountingListener> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.write('220 counted\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, connections: () => count };
}
