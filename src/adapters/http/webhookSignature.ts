// GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
// The header's shape is checked first (that says nothing about the secret); the 32 bytes it
// names are then compared with the expected ones in constant time, always on equal lengths, so
// a short, long or forged signature is a refusal and never an exception.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SHAPE = /^sha256=([0-9a-fA-F]{64})$/;

export type SignatureCheck = { ok: true } | { ok: false; message: string };

export function checkSignature(secret: string, body: Buffer, header: string | string[] | undefined): SignatureCheck {
  if (header === undefined || header === '') {
    return { ok: false, message: 'this hook needs the header X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body with the secret>' };
  }
  const given = SHAPE.exec(Array.isArray(header) ? '' : header.trim());
  if (!given) return { ok: false, message: 'X-Hub-Signature-256 must be "sha256=" and 64 hex digits' };
  const expected = createHmac('sha256', secret).update(body).digest();
  const presented = Buffer.from(given[1] as string, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected) ? { ok: true } : { ok: false, message: 'wrong signature' };
}
