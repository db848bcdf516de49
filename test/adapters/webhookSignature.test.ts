// GitHub's X-Hub-Signature-256 against the raw body: only the exact HMAC-SHA256 with the secret
// passes; every other header (missing, malformed, short, long, forged) is a refusal, never a throw.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature } from '../../src/adapters/http/webhookSignature.js';

const body = Buffer.from('{"zen":"Design for failure."}');
const hmac = (secret: string, data: Buffer = body) => createHmac('sha256', secret).update(data).digest('hex');
const good = `sha256=${hmac('s3cret')}`;

describe('checkSignature', () => {
  it.each([
    ['the exact signature', good, true, null],
    ['the signature in capitals', `sha256=${hmac('s3cret').toUpperCase()}`, true, null],
    ['no header', undefined, false, /needs the header/],
    ['an empty header', '', false, /needs the header/],
    ['a repeated header', [good, good], false, /64 hex digits/],
    ['another secret', `sha256=${hmac('other')}`, false, /wrong signature/],
    ['another body', `sha256=${hmac('s3cret', Buffer.from('{}'))}`, false, /wrong signature/],
    ['one hex digit changed', good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'), false, /wrong signature/],
    ['a truncated signature', good.slice(0, 30), false, /64 hex digits/],
    ['a signature one byte too long', `${good}ab`, false, /64 hex digits/],
    ['no prefix', hmac('s3cret'), false, /64 hex digits/],
    ['sha1', `sha1=${createHmac('sha1', 's3cret').update(body).digest('hex')}`, false, /64 hex digits/],
    ['not hex', `sha256=${'z'.repeat(64)}`, false, /64 hex digits/],
  ])('%s: ok %s', (_what, header, ok, message) => {
    const result = checkSignature('s3cret', body, header as string | string[] | undefined);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.message).toMatch(message as RegExp);
  });
});
