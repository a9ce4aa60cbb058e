import { readFileSync } from 'node:fs';
import type tls from 'node:tls';
import type { SecuritySettings } from './security-options.js';

type TlsSettings = Pick<SecuritySettings, 'tlsPort' | 'tlsCertFile' | 'tlsKeyFile' | 'tlsCaCertFile' | 'tlsAuthClients'>;

function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read --${flag} '${file}': ${(err as Error).message}`);
  }
}

/**
 * The TLS server's options from the settings, the files read now: a certificate and key, and the
 * CA that client certificates must chain to when they are asked for (tls-auth-clients yes or
 * optional). Undefined without a TLS port. Throws a message naming the flag at fault.
 */
export function tlsServerOptions(s: TlsSettings): tls.TlsOptions | undefined {
  if (s.tlsPort === 0) return undefined;
  if (s.tlsCertFile === '' || s.tlsKeyFile === '') throw new Error('--tls-port needs --tls-cert-file and --tls-key-file');
  const options: tls.TlsOptions = {
    cert: readPem('tls-cert-file', s.tlsCertFile),
    key: readPem('tls-key-file', s.tlsKeyFile),
    minVersion: 'TLSv1.2',
  };
  if (s.tlsAuthClients !== 'no') {
    if (s.tlsCaCertFile === '') {
      throw new Error('--tls-ca-cert-file is needed to check client certificates (or --tls-auth-clients no)');
    }
    options.ca = readPem('tls-ca-cert-file', s.tlsCaCertFile);
    options.requestCert = true;
    options.rejectUnauthorized = s.tlsAuthClients === 'yes';
  } else if (s.tlsCaCertFile !== '') {
    options.ca = readPem('tls-ca-cert-file', s.tlsCaCertFile);
  }
  return options;
}
