import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * The simulator's key material, kept in the state folder and reused across runs:
 * - `ca.pem` / `ca-key.pem`: a local CA that clients trust through `NODE_EXTRA_CA_CERTS`;
 * - `server.pem` / `server-key.pem`: the TLS certificate for 127.0.0.1 and localhost, issued by that CA;
 * - `token-signing-key.pem`: the RSA key that signs issued tokens (RS256);
 * - `app-client-cert.pem`: private key and certificate registered on the bot's app registration, for
 *   `ClientCertificateCredential`.
 */
export interface KeyMaterial {
  caCertPath: string;
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  tokenSigningKeyPem: string;
  /** Key id of the token signing key (its SHA-256 thumbprint, base64url). */
  tokenSigningKeyId: string;
  appClientCertPath: string;
  appClientCertPem: string;
}

export const stateFiles = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server.pem',
  serverKey: 'server-key.pem',
  tokenSigningKey: 'token-signing-key.pem',
  appClientCert: 'app-client-cert.pem',
  endpoint: 'endpoint.json',
} as const;

const renewBeforeMs = 7 * 24 * 3600 * 1000;

const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const privateKeyPem = /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+?-----END \1PRIVATE KEY-----/;

/**
 * Creates what is missing, unparseable or about to expire, and reuses the rest, so that a trusted `ca.pem`
 * and a configured `app-client-cert.pem` stay valid across runs. Call under `withStateLock`.
 */
export function prepareKeyMaterial(stateDir: string): KeyMaterial {
  const path = (name: string): string => join(stateDir, name);

  let caFresh = false;
  if (!isUsableCa(path(stateFiles.caCert), path(stateFiles.caKey))) {
    const ca = createCertificate({ commonName: 'Helpdesk Reset Simulator Local CA', isCa: true, years: 5 });
    writeAtomically(path(stateFiles.caKey), ca.keyPem);
    writeAtomically(path(stateFiles.caCert), ca.certPem);
    caFresh = true;
  }
  const caCertPem = readFileSync(path(stateFiles.caCert), 'utf8');
  const caKeyPem = readFileSync(path(stateFiles.caKey), 'utf8');

  if (caFresh || !isUsableServerCert(path(stateFiles.serverCert), path(stateFiles.serverKey), caCertPem)) {
    const server = createCertificate({
      commonName: '127.0.0.1',
      isCa: false,
      years: 1,
      issuer: { certPem: caCertPem, keyPem: caKeyPem },
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    });
    writeAtomically(path(stateFiles.serverKey), server.keyPem);
    writeAtomically(path(stateFiles.serverCert), server.certPem);
  }

  if (!existsSync(path(stateFiles.tokenSigningKey))) {
    writeAtomically(path(stateFiles.tokenSigningKey), newRsaKeyPem());
  }
  if (!isUsableBundle(path(stateFiles.appClientCert))) {
    const client = createCertificate({
      commonName: 'Helpdesk Reset (simulator client certificate)',
      isCa: false,
      years: 2,
    });
    writeAtomically(path(stateFiles.appClientCert), client.keyPem + client.certPem);
  }

  const tokenSigningKeyPem = readFileSync(path(stateFiles.tokenSigningKey), 'utf8');
  return {
    caCertPath: path(stateFiles.caCert),
    caCertPem,
    serverCertPem: readFileSync(path(stateFiles.serverCert), 'utf8'),
    serverKeyPem: readFileSync(path(stateFiles.serverKey), 'utf8'),
    tokenSigningKeyPem,
    tokenSigningKeyId: createHash('sha256').update(tokenSigningKeyPem).digest('base64url').slice(0, 27),
    appClientCertPath: path(stateFiles.appClientCert),
    appClientCertPem: readFileSync(path(stateFiles.appClientCert), 'utf8'),
  };
}

/** SHA-1 and SHA-256 thumbprints of a PEM certificate's DER bytes, base64url (as `x5t` / `x5t#S256`). */
export function certificateThumbprints(pem: string): { sha1: string; sha256: string } {
  const der = Buffer.from(
    forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes(),
    'binary',
  );
  return {
    sha1: createHash('sha1').update(der).digest('base64url'),
    sha256: createHash('sha256').update(der).digest('base64url'),
  };
}

/** The certificate block of a PEM bundle that also holds a private key. */
export function certificateBlock(pemBundle: string): string {
  const match = certificatePem.exec(pemBundle);
  if (!match) throw new Error('No certificate in PEM bundle');
  return match[0] + '\n';
}

interface NewCertificate {
  certPem: string;
  keyPem: string;
}

function createCertificate(options: {
  commonName: string;
  isCa: boolean;
  years: number;
  issuer?: { certPem: string; keyPem: string };
  altNames?: object[];
}): NewCertificate {
  // Node generates RSA keys natively in milliseconds; node-forge only builds and signs the certificate.
  const keyPem = newRsaKeyPem();
  const privateKey = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  // A positive serial: a leading byte below 0x80.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + options.years * 365 * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: 'Helpdesk Reset simulator' },
  ];
  cert.setSubject(subject);
  const issuerCert = options.issuer ? forge.pki.certificateFromPem(options.issuer.certPem) : null;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const extensions: object[] = options.isCa
    ? [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
      ]
    : [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        ...(options.altNames ? [{ name: 'subjectAltName', altNames: options.altNames }] : []),
      ];
  cert.setExtensions(extensions);
  const signingKey = options.issuer ? forge.pki.privateKeyFromPem(options.issuer.keyPem) : privateKey;
  cert.sign(signingKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

function newRsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

function isUsableCa(certPath: string, keyPath: string): boolean {
  return usableCertificate(readIfPresent(certPath), readIfPresent(keyPath)) !== undefined;
}

/** A new CA invalidates the server certificate, which clients check against the `ca.pem` they trust. */
function isUsableServerCert(certPath: string, keyPath: string, caCertPem: string): boolean {
  const cert = usableCertificate(readIfPresent(certPath), readIfPresent(keyPath));
  if (cert === undefined) return false;
  const ca = new X509Certificate(caCertPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** `app-client-cert.pem` holds the private key first, then the certificate: each is found by its label. */
function isUsableBundle(bundlePath: string): boolean {
  const bundle = readIfPresent(bundlePath);
  return usableCertificate(bundle, bundle) !== undefined;
}

/**
 * The certificate in `certPem` when it and the private key in `keyPem` can be read, belong together and
 * stay valid beyond `renewBeforeMs`; otherwise undefined, and the pair is issued anew.
 */
function usableCertificate(
  certPem: string | undefined,
  keyPem: string | undefined,
): X509Certificate | undefined {
  const cert = parsePemBlock(certPem, certificatePem, (block) => new X509Certificate(block));
  const key = parsePemBlock(keyPem, privateKeyPem, (block) => createPrivateKey(block));
  if (cert === undefined || key === undefined || !cert.checkPrivateKey(key)) return undefined;
  // `validTo` is OpenSSL's text ("Dec  1 07:45:08 2028 GMT"), which V8's Date.parse reads; an unreadable
  // date (NaN) fails the comparison and renews. (`validToDate` needs Node 23.)
  return Date.parse(cert.validTo) - Date.now() > renewBeforeMs ? cert : undefined;
}

/**
 * Parses the first block of `pem` that `block` matches, or undefined when there is none or OpenSSL cannot
 * read it. Only OpenSSL's refusals (`ERR_OSSL_…`) mean "unparseable"; any other error is not hidden.
 */
function parsePemBlock<T>(
  pem: string | undefined,
  block: RegExp,
  parse: (blockPem: string) => T,
): T | undefined {
  const match = pem === undefined ? null : block.exec(pem);
  if (match === null) return undefined;
  try {
    return parse(match[0]);
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('ERR_OSSL_')) return undefined;
    throw error;
  }
}

/** The file's text, or undefined when there is none; unreadable (permissions, a folder) is an error. */
function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  // Private keys (and bundles holding one) are for this user only; certificates are public.
  writeFileSync(temporary, content, { mode: content.includes('PRIVATE KEY') ? 0o600 : 0o644 });
  renameSync(temporary, path);
}
