/** A self-signed certificate for 127.0.0.1 (openssl), for tests that need HTTPS on this machine. */
// @ts-nocheck

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface SelfSigned {
  readonly key: string;
  readonly cert: string;
  /** The certificate's file (NODE_EXTRA_CA_CERTS for a process that must trust it). */
  readonly certFile: string;
}

export async function selfSignedCertificate(dir: string): Promise<SelfSigned> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
