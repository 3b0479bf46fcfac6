// Sends an end-customer page: its status, its own Content-Security-Policy, and the language it is in
// (the answer depends on Accept-Language, which caches and the browser are told).
import type { Response } from 'express';
import type { Catalogue } from './i18n';

export function sendPage(
  res: Response,
  status: number,
  csp: string,
  texts: Catalogue,
  html: string,
): void {
  res
    .status(status)
    .setHeader('Content-Security-Policy', csp)
    .setHeader('Content-Language', texts.lang)
    .setHeader('Vary', 'Accept-Language')
    .type('html')
    .send(html);
}
