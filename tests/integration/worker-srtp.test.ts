import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

// The worker `npm test` and `npm start` run is built by scripts/setup.sh with libsrtp 2.5 on
// OpenSSL crypto (Debian's libsrtp2 uses NSS, about four times the CPU per packet). That SRTP
// media flows through it end to end is what the browser suites check; this checks which
// library it is.
describe('the mediasoup worker', () => {
  const bin = process.env['MEDIASOUP_WORKER_BIN'] ?? '';

  it("encrypts SRTP with libsrtp on OpenSSL, linked in, not Debian's NSS-based libsrtp2", () => {
    expect(fs.existsSync(bin), `no worker at ${bin}`).toBe(true);
    const linked = execFileSync('ldd', [bin], { encoding: 'utf8' });
    expect(linked).not.toMatch(/libsrtp2/);
    expect(linked).not.toMatch(/libnss3/);
    const binary = fs.readFileSync(bin);
    // libsrtp names each cipher after its crypto backend.
    expect(binary.includes('AES-256 GCM using openssl')).toBe(true);
    expect(binary.includes('AES-128 counter mode using openssl')).toBe(true);
  });
});
