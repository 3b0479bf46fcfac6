// Sandbox TLS: a self-signed certificate for localhost, generated in memory at start (never written to disk).
import { generate } from 'selfsigned';
import type { TlsMaterial } from './tls';

export async function generateSandboxCertificate(): Promise<TlsMaterial> {
  const notAfter = new Date(Date.now() + 30 * 86400 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
