// A real oidc-provider server for the AuthCache tests: node server.js <port> <private JWKS file>.
// Client credentials grant with resource indicators, JWT access tokens for one resource server, signed RS256 with
// the first key of the file; every key of the file is published. Prints "ready" once it listens on 127.0.0.1.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, keysFile] = process.argv.slice(2);
const jwks = JSON.parse(readFileSync(keysFile, 'utf8'));
const resource = 'urn:orders-api';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'orders-client',
      client_secret: 'oidc-provider-test-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
  ],
  jwks,
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== resource) {
          throw new Error(`unknown resource ${indicator}`);
        }

        return { scope: 'orders', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
});

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
