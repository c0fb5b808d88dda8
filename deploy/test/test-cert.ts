import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1 and localhost in `dir` (made with openssl, valid a
 * day), its key handed to `owner` when given: a server running as another user must read it.
 */
export function selfSignedCert(
  dir: string,
  owner?: { uid: number; gid: number },
): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  if (owner) chownSync(key, owner.uid, owner.gid);
  return { cert, key };
}
