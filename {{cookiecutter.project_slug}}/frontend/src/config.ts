// What the gateway tells the app about the environment it runs in (GET /config.json),
// so that one build serves every environment.
export type RuntimeConfig =
  | { authProvider: "identity" }
  | { authProvider: "keycloak"; oidcAuthority: string; oidcClientId: string };

export async function loadConfig(): Promise<RuntimeConfig> {
  const response = await fetch("/config.json");
  if (!response.ok) {
    throw new Error(`/config.json answered ${response.status}`);
  }
  return (await response.json()) as RuntimeConfig;
}
