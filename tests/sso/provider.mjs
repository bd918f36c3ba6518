// A real OpenID provider (the `oidc-provider` npm package, OpenID-certified) for the
// single sign-on tests, on loopback. Started by tests/sso/conftest.py with:
//   OIDC_MODULES  node_modules folder holding oidc-provider (.cache/oidc/node_modules)
//   PORT          port to listen on (127.0.0.1); the issuer is http://127.0.0.1:PORT
//   CLIENTS       JSON list of {client_id, client_secret, redirect_uris}
//   GROUPS        JSON object: login name -> list of groups (the "groups" claim)
// Any login name is accepted by the built-in development login form (devInteractions);
// consent is granted without asking, like an organisation's own application.
//
// The negative cases of the tests need a provider that misbehaves on purpose; POST
// /__mode?m=... switches it (loopback tests only):
//   normal          as shipped
//   wrong-audience  the ID token from /token names another client as its audience
//   expired         the ID token from /token expired ten minutes ago
//   bad-signature   /jwks publishes another key under the same key id, so the signature
//                   of every ID token fails to verify
// The first two re-sign the changed token with the provider's own key, so only the
// changed claim is wrong.
import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.OIDC_MODULES;
const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS || '[]');
const groups = JSON.parse(process.env.GROUPS || '{}');
const { default: Provider } = await import(pathToFileURL(join(modules, 'oidc-provider', 'lib', 'index.js')).href);

const KID = 'test-key-1';
const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateJwk = { ...signing.privateKey.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' };
const otherPublicJwk = { ...other.publicKey.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' };

let mode = 'normal';

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'] })),
  jwks: { keys: [privateJwk] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'groups'], email: ['email'] },
  scopes: ['openid', 'profile', 'email'],
  cookies: { keys: ['test-cookie-key-not-secret'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: `sub-${id}`, preferred_username: id, name: `Test ${id}`, email: `${id}@example.se`,
          groups: groups[id] || [] };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    grant.addOIDCClaims(['preferred_username', 'name', 'groups', 'email']);
    await grant.save();
    return grant;
  },
});

function resign(token, change) {
  const [header, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  change(claims);
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${sign('sha256', Buffer.from(body), signing.privateKey).toString('base64url')}`;
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__mode' && ctx.method === 'POST') {
    mode = String(ctx.query.m || 'normal');
    ctx.body = { mode };
    return;
  }
  if (ctx.path === '/jwks' && mode === 'bad-signature') {
    ctx.type = 'application/jwk-set+json';
    ctx.body = { keys: [otherPublicJwk] };
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    const now = Math.floor(Date.now() / 1000);
    if (mode === 'wrong-audience') {
      ctx.body.id_token = resign(ctx.body.id_token, (c) => { c.aud = 'another-application'; delete c.azp; });
    } else if (mode === 'expired') {
      ctx.body.id_token = resign(ctx.body.id_token, (c) => { c.iat = now - 4200; c.exp = now - 600; });
    }
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
