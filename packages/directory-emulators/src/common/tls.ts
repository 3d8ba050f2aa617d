// Certificates generated per run (nothing is committed): a CA, a server certificate it signs for
// 127.0.0.1/localhost, and self-signed client certificates for Entra apps. Keys come from node:crypto
// (native, fast); node-forge builds and signs the X.509 structures (a CommonJS package, so it loads
// under jest's CJS transform, unlike @peculiar/x509 which needs a global reflect polyfill).
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** A PEM certificate and its private key. */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A certificate authority made for one run: `issue` signs a server certificate for the given host names. */
export interface CertificateAuthority extends PemPair {
  readonly issue: (hosts: ReadonlyArray<string>) => PemPair;
}

/** A self-signed client certificate (an Entra app's credential), with the fingerprints a JWT names it by. */
export interface ClientCertificate extends PemPair {
  /** SHA-1 thumbprint, upper-case hex (what the Azure portal shows). */
  readonly thumbprint: string;
  /** base64url SHA-1 of the DER certificate: a JWT `x5t` header. */
  readonly x5t: string;
  /** base64url SHA-256 of the DER certificate: a JWT `x5t#S256` header. */
  readonly x5tS256: string;
}

const rsaKeys = (): {
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly keyPem: string;
} => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    keyPem: privateKey,
  };
};

const newCertificate = (publicKey: forge.pki.rsa.PublicKey, commonName: string, days: number): forge.pki.Certificate => {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the top bit cleared.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  cert.setSubject([
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Takeover directory emulators' },
  ]);
  return cert;
};

const isIp = (host: string): boolean => /^[0-9.]+$/.test(host) || host.includes(':');

export const generateCertificateAuthority = (commonName = 'Takeover emulators test CA'): CertificateAuthority => {
  const keys = rsaKeys();
  const ca = newCertificate(keys.publicKey, commonName, 30);
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(keys.privateKey, forge.md.sha256.create());
  const issue = (hosts: ReadonlyArray<string>): PemPair => {
    const leafKeys = rsaKeys();
    const leaf = newCertificate(leafKeys.publicKey, hosts[0] ?? 'localhost', 30);
    leaf.setIssuer(ca.subject.attributes);
    leaf.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((h) => (isIp(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
    ]);
    leaf.sign(keys.privateKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(leaf), keyPem: leafKeys.keyPem };
  };
  return { certPem: forge.pki.certificateToPem(ca), keyPem: keys.keyPem, issue };
};

export const thumbprints = (certPem: string): Pick<ClientCertificate, 'thumbprint' | 'x5t' | 'x5tS256'> => {
  const der = new X509Certificate(certPem).raw;
  const sha1 = createHash('sha1').update(der).digest();
  return {
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
};

export const generateClientCertificate = (commonName: string): ClientCertificate => {
  const keys = rsaKeys();
  const cert = newCertificate(keys.publicKey, commonName, 365);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem: keys.keyPem, ...thumbprints(certPem) };
};
