// The README's example: start both emulators in process and point each official client at them.
// Compiled and run by test/readme-example.test.ts.
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { admin_directory_v1 } from '@googleapis/admin';
import { JWT } from 'google-auth-library';
import { Agent as UndiciAgent } from 'undici';
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';

export const quickstart = async (): Promise<{ googleSignOuts: number; entraRevokedAt: string | null }> => {
  const google = await startGoogleEmulator(); // example.com, admin@example.com, one service account
  const entra = await startEntraEmulator(); // tenant contoso.com, one app (secret + certificate), alex@contoso.com
  try {
    // --- Google: a JWT client (domain-wide delegation) and the Admin SDK Directory client.
    const key = google.credentials; // a service account key file, private key generated for this run
    const jwt = new JWT({
      email: key.client_email,
      ...(key.private_key === undefined ? {} : { key: key.private_key }),
      subject: google.adminEmail,
      scopes: ['https://www.googleapis.com/auth/admin.directory.user', 'https://www.googleapis.com/auth/admin.directory.user.security'],
      transporterOptions: { fetchImplementation: fetch }, // only needed under jest (CommonJS)
    });
    // google-auth-library always posts to https://oauth2.googleapis.com/token: redirect that one URL.
    jwt.transporter.interceptors.request.add({
      resolved: (opts) => {
        const url = new URL(opts.url);
        if (`${url.origin}${url.pathname}` === 'https://oauth2.googleapis.com/token') opts.url = new URL(google.tokenUrl);
        return Promise.resolve(opts);
      },
    });
    const directory = new admin_directory_v1.Admin({ auth: jwt, rootUrl: google.url });
    await directory.users.insert({
      requestBody: { primaryEmail: 'kim@example.com', name: { givenName: 'Kim', familyName: 'Lee' }, password: 'First-Pass-123' },
    });
    google.signIn('kim@example.com'); // Kim is signed in somewhere
    await directory.users.update({ userKey: 'kim@example.com', requestBody: { password: 'Second-Pass-456' } });
    // Google keeps Kim's sessions across a password change; users.signOut ends them.
    await directory.users.signOut({ userKey: 'kim@example.com' });

    // --- Microsoft: @azure/identity over https with the emulator's CA, and the Graph client.
    const credential = new ClientSecretCredential(entra.tenantId, entra.app.clientId, entra.app.clientSecret, {
      authorityHost: entra.authorityHost, // https://127.0.0.1:<port>
      disableInstanceDiscovery: true, // no login.microsoftonline.com lookup
      agent: new HttpsAgent({ ca: [...rootCertificates, entra.caPem] }), // or NODE_EXTRA_CA_CERTS=entra.caCertPath
    });
    const graph = Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: ['https://graph.microsoft.com/.default'] }),
      baseUrl: entra.graphBaseUrl,
      customHosts: new Set([entra.hostname]), // without it the client sends no Authorization header
      fetchOptions: { dispatcher: new UndiciAgent({ connect: { ca: [...rootCertificates, entra.caPem] } }) } as unknown as RequestInit,
    });
    await graph
      .api('/users/alex@contoso.com')
      .patch({ passwordProfile: { password: 'Takeover-Pass-789', forceChangePasswordNextSignIn: false } });

    return {
      googleSignOuts: google.user('kim@example.com')?.signOutCount ?? 0,
      entraRevokedAt: entra.user('alex@contoso.com')?.refreshTokensRevokedAt ?? null,
    };
  } finally {
    await google.close();
    await entra.close();
  }
};
