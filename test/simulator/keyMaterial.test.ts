import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { prepareSimulatorState, stateFiles } from '../../simulator';

const day = 24 * 3600 * 1000;

interface ClientCertificate {
  /** Key and certificate, as `ClientCertificateCredential` reads them. */
  bundle: string;
  /** SHA-256 of the bundle: assertions compare this, so that a failure does not print a private key. */
  digest: string;
  thumbprint: string;
  notAfter: number;
}

function clientCertificate(stateDir: string): ClientCertificate {
  const bundle = readFileSync(join(stateDir, stateFiles.appClientCert), 'utf8');
  const cert = new X509Certificate(certificateBlock(bundle));
  return {
    bundle,
    digest: digest(bundle),
    thumbprint: cert.fingerprint256,
    notAfter: Date.parse(cert.validTo),
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function certificateBlock(bundle: string): string {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(bundle);
  assert.ok(block, 'the bundle holds a certificate');
  return block[0];
}

function stateFileDigests(stateDir: string): Record<string, string> {
  const pemFiles = Object.values(stateFiles).filter((name) => name.endsWith('.pem'));
  return Object.fromEntries(
    pemFiles.map((name) => [name, digest(readFileSync(join(stateDir, name), 'utf8'))]),
  );
}

describe('simulator: key material in the state folder', () => {
  // A folder of its own: these tests delete and spoil files that the other suites' simulators rely on.
  let stateDir: string;
  let bundlePath: string;

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'sim-state-'));
    bundlePath = join(stateDir, stateFiles.appClientCert);
    await prepareSimulatorState(stateDir);
  });

  after(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  afterEach(() => {
    sinon.restore();
  });

  it('reuses the client certificate on a second start: same bytes, same thumbprint', async () => {
    const first = clientCertificate(stateDir);
    const keys = await prepareSimulatorState(stateDir);
    const second = clientCertificate(stateDir);
    assert.equal(second.thumbprint, first.thumbprint);
    assert.equal(second.digest, first.digest);
    assert.equal(digest(keys.appClientCertPem), first.digest);
  });

  it('rewrites no certificate or key on a second start', async () => {
    const before = stateFileDigests(stateDir);
    await prepareSimulatorState(stateDir);
    assert.deepEqual(stateFileDigests(stateDir), before);
  });

  const renewals: { when: string; spoil: (current: { bundle: string; notAfter: number }) => void }[] = [
    { when: 'is missing', spoil: () => rmSync(bundlePath) },
    {
      when: 'holds only its private key',
      spoil: ({ bundle }) => writeFileSync(bundlePath, bundle.replace(certificateBlock(bundle), '')),
    },
    {
      when: 'holds a certificate that cannot be parsed',
      spoil: ({ bundle }) =>
        writeFileSync(
          bundlePath,
          bundle.replace(
            certificateBlock(bundle),
            '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
          ),
        ),
    },
    {
      when: 'expires within a week',
      spoil: ({ notAfter }) => sinon.useFakeTimers({ now: notAfter - 3 * day, toFake: ['Date'] }),
    },
    {
      when: 'has expired',
      spoil: ({ notAfter }) => sinon.useFakeTimers({ now: notAfter + day, toFake: ['Date'] }),
    },
  ];
  for (const { when, spoil } of renewals) {
    it(`issues a new client certificate when the current one ${when}`, async () => {
      const before = clientCertificate(stateDir);
      spoil(before);
      const keys = await prepareSimulatorState(stateDir);
      const after = clientCertificate(stateDir);
      assert.notEqual(after.thumbprint, before.thumbprint);
      assert.equal(digest(keys.appClientCertPem), after.digest);
      assert.ok(after.notAfter - Date.now() > 365 * day, 'the new certificate is valid for a year or more');
    });
  }

  it('fails rather than re-issuing a client certificate it is not allowed to read', async () => {
    const before = clientCertificate(stateDir);
    // A mode of 000 does not stop root from reading, so the refusal is simulated.
    const denied = Object.assign(new Error(`EACCES: permission denied, open '${bundlePath}'`), {
      code: 'EACCES',
    });
    sinon.stub(fs, 'readFileSync').callThrough().withArgs(bundlePath).throws(denied);
    await assert.rejects(prepareSimulatorState(stateDir), { code: 'EACCES' });
    sinon.restore();
    assert.equal(clientCertificate(stateDir).digest, before.digest);
  });
});
