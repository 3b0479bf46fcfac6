// The listening server: HTTP or HTTPS (TLS 1.2+), certificate reload without dropping connections, draining close.
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '../lib/logger';
import type { TlsMaterial } from './tls';

const MIN_TLS_VERSION = 'TLSv1.2';

export interface ServerTls {
  material: TlsMaterial;
  /** Reads the certificate and key again (from TLS_CERT_FILE/TLS_KEY_FILE); absent: nothing to reload. */
  load?: () => Promise<TlsMaterial>;
}

export interface StartServerOptions {
  app: RequestListener;
  /** Null: plain HTTP (TLS ends at a trusted proxy in front). */
  tls: ServerTls | null;
  port: number;
  host: string;
  logger: Logger;
}

export interface RunningServer {
  server: Server;
  /** The port actually listened on (differs from the option when it was 0). */
  port: number;
  /**
   * Loads the certificate again and uses it for new connections; open ones keep theirs. A file
   * that cannot be read or does not make a valid key pair keeps the current certificate.
   * Resolves true when the new certificate is in use.
   */
  reloadTls(): Promise<boolean>;
  /**
   * Stops accepting, lets in-flight requests finish (closing each connection after its response),
   * closes idle keep-alive connections at once, and cuts whatever is left after deadlineMs.
   */
  close(deadlineMs: number): Promise<void>;
}

function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return { cert: material.cert, key: material.key, minVersion: MIN_TLS_VERSION };
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { app, tls, logger } = options;
  const server: Server = tls
    ? createHttpsServer(secureContextOptions(tls.material))
    : createHttpServer();

  let closing = false;
  // Registered before the app, so it runs before any answer is written. Once close() started, a
  // response ends its connection; one that was already under way frees its connection when done.
  server.on('request', (_req, res) => {
    if (closing) res.shouldKeepAlive = false;
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.on('request', app);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  async function reloadTls(): Promise<boolean> {
    if (!tls?.load) {
      logger.info('no TLS certificate files to reload');
      return false;
    }
    try {
      const material = await tls.load();
      // Throws on an unreadable PEM or a key that does not match the certificate.
      (server as HttpsServer).setSecureContext(secureContextOptions(material));
      logger.info('TLS certificate reloaded');
      return true;
    } catch (err) {
      logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'TLS certificate reload failed; keeping the current certificate',
      );
      return false;
    }
  }

  function close(deadlineMs: number): Promise<void> {
    closing = true;
    return new Promise((resolve) => {
      const cut = setTimeout(() => {
        logger.warn({ deadline_ms: deadlineMs }, 'closing connections still open at the deadline');
        server.closeAllConnections();
      }, deadlineMs);
      cut.unref();
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  return { server, port: (server.address() as AddressInfo).port, reloadTls, close };
}
