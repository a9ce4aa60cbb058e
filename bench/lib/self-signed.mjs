// A self-signed certificate for 127.0.0.1 (openssl), for a TLS listener under benchmark: the
// clients take it as their CA, and present none of their own (--tls-auth-clients no).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function selfSignedCertificate(dir) {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
    ].concat(['-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { cert, key };
}
