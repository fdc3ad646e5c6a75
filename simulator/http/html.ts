import type { SimResponse } from './types';

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** A minimal HTML page; `body` must already be escaped. */
export function htmlPage(status: number, title: string, body: string): SimResponse {
  return {
    status,
    headers: { 'Cache-Control': 'no-store' },
    text: {
      contentType: 'text/html; charset=utf-8',
      body: `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n${body}\n</body></html>\n`,
    },
  };
}

export function redirect(location: string): SimResponse {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' } };
}
