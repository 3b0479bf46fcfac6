// TLS material for the HTTPS server: the PEM pair, read from TLS_CERT_FILE and TLS_KEY_FILE.
import { readFile } from 'node:fs/promises';

export interface TlsMaterial {
  cert: string;
  key: string;
}

export async function readTlsFiles(files: {
  certFile: string;
  keyFile: string;
}): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([
    readFile(files.certFile, 'utf8'),
    readFile(files.keyFile, 'utf8'),
  ]);
  return { cert, key };
}
