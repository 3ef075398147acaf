import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { setAccessTokenSource } from "./api/client";
import { App } from "./App";
import { AuthProviderScope } from "./auth/AuthContext";
import { identityAuth } from "./auth/identity";
import type { AuthProvider } from "./auth/provider";
import { CartScope } from "./CartContext";
import { loadConfig } from "./config";
import "./styles.css";

const config = await loadConfig();
// Only a system that signs in with Keycloak downloads the OpenID Connect client.
const auth: AuthProvider =
  config.authProvider === "keycloak"
    ? (await import("./auth/keycloak")).keycloakAuth(config.oidcAuthority, config.oidcClientId)
    : identityAuth();
setAccessTokenSource(() => auth.current()?.accessToken ?? null);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AuthProviderScope auth={auth}>
      <CartScope>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </CartScope>
    </AuthProviderScope>
  </StrictMode>,
);
