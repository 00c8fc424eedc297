/** PostgreSQL frontend messages built by hand, for tests of the embedded wire server (src/store). */
export const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** A StartupMessage (protocol 3.0) for user postgres, with more parameters when given. */
export const startupMessage = (parameters = ''): Buffer => {
  const body = Buffer.concat([int32(196608), Buffer.from(`user\0postgres\0${parameters}\0`)]);
  return Buffer.concat([int32(body.length + 4), body]);
};

/** A typed message: its type byte, its length, its body. */
export const typedMessage = (type: string, body: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from(type, 'latin1'), int32(body.length + 4), body]);

/** A CancelRequest (which a client sends on a connection of its own). */
export const cancelRequest = (pid = 1, key = 2): Buffer =>
  Buffer.concat([int32(16), int32(80877102), int32(pid), int32(key)]);
