// One typed client per service, made from the service's OpenAPI document
// (src/api/generated, `make api-client`), all through the gateway of this origin.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths as catalogPaths } from "./generated/catalog";
import type { paths as identityPaths } from "./generated/identity";
import type { paths as notificationsPaths } from "./generated/notifications";
import type { paths as ordersPaths } from "./generated/orders";

let accessToken: () => string | null = () => null;

/** Where the clients find the signed-in person's token: the auth provider sets it. */
export function setAccessTokenSource(source: () => string | null): void {
  accessToken = source;
}

const bearer: Middleware = {
  onRequest({ request }) {
    const token = accessToken();
    if (token) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    return request;
  },
};

function serviceClient<Paths extends object>(service: string) {
  const client = createClient<Paths>({ baseUrl: `${globalThis.location?.origin ?? ""}/api/${service}` });
  client.use(bearer);
  return client;
}

export const catalog = serviceClient<catalogPaths>("catalog");
export const identity = serviceClient<identityPaths>("identity");
export const orders = serviceClient<ordersPaths>("orders");
export const notifications = serviceClient<notificationsPaths>("notifications");
