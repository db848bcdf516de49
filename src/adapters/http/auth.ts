// Bearer tokens, compared in constant time: every known token's SHA-256 digest against the
// presented one's (equal lengths whatever was sent, so neither a token's length nor how much of
// it matched shows in the time taken), all of them every time. The event stream alone also takes
// the token as `?token=`: a browser's EventSource cannot send a header.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface Token {
  label: string;
  value: string;
}

export type AuthResult = { ok: true; label: string } | { ok: false; message: string };

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** A checker for an Authorization header against `tokens`. */
export function tokenChecker(tokens: readonly Token[]): (header: string | undefined) => AuthResult {
  const known = tokens.map((t) => ({ label: t.label, digest: digest(t.value) }));
  return (header) => {
    if (header === undefined || header === '') {
      return { ok: false, message: 'this route needs a token: send the header "Authorization: Bearer <token>" (the token is in status/api.token)' };
    }
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) return { ok: false, message: 'the Authorization header must be "Bearer <token>"' };
    const presented = digest(match[1] as string);
    let label: string | null = null;
    for (const token of known) if (timingSafeEqual(token.digest, presented) && label === null) label = token.label;
    return label === null ? { ok: false, message: 'wrong token' } : { ok: true, label };
  };
}

export const EVENT_STREAM = '/api/v1/events';

/**
 * For `GET /api/v1/events?token=...` only (the dashboard's EventSource): the token of the query
 * as an Authorization header value; undefined for any other route or without one.
 */
export function eventStreamToken(url: string): string | undefined {
  const question = url.indexOf('?');
  if (question < 0 || url.slice(0, question) !== EVENT_STREAM) return undefined;
  const token = new URLSearchParams(url.slice(question + 1)).get('token');
  return token ? `Bearer ${token}` : undefined;
}
