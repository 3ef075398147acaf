// Signing in with Keycloak: oidc-client-ts runs the authorization code flow with
// PKCE against the realm the gateway names in /config.json, as its public client.
import { UserManager, WebStorageStateStore, type User } from "oidc-client-ts";
import { CALLBACK_PATH, type KeycloakAuth } from "./provider";
import { sessionFromToken, sessionStore } from "./session";

export function keycloakAuth(authority: string, clientId: string): KeycloakAuth {
  const origin = window.location.origin;
  const manager = new UserManager({
    authority,
    client_id: clientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    scope: "openid email profile",
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  const store = sessionStore();

  function keep(user: User | null): void {
    store.set(user && !user.expired ? sessionFromToken(user.access_token) : null);
  }

  manager.events.addUserLoaded(keep);
  manager.events.addUserUnloaded(() => keep(null));
  void manager.getUser().then(keep);

  return {
    kind: "keycloak",
    current: store.current,
    subscribe: store.subscribe,
    async redirectToSignIn({ register, returnTo }) {
      // prompt=create opens Keycloak's registration form instead of its sign-in form.
      await manager.signinRedirect({
        state: returnTo,
        extraQueryParams: register ? { prompt: "create" } : {},
      });
    },
    async completeSignIn() {
      const user = await manager.signinRedirectCallback();
      keep(user);
      return typeof user.state === "string" ? user.state : "/";
    },
    async signOut() {
      await manager.signoutRedirect();
    },
  };
}
