// Writes src/api/generated/<service>.ts from openapi/<service>.json: the services'
// documents are Swagger 2.0 (drf-yasg), so each is converted to OpenAPI 3 first.
// `make api-client` refreshes the documents from the services, then runs this.
import { readdir, readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";
import converter from "swagger2openapi";

const documents = new URL("../openapi/", import.meta.url);
const generated = new URL("../src/api/generated/", import.meta.url);

for (const file of (await readdir(documents)).filter((name) => name.endsWith(".json")).sort()) {
  const swagger = JSON.parse(await readFile(new URL(file, documents), "utf8"));
  const { openapi } = await converter.convertObj(swagger, { patch: true, warnOnly: true });
  const types = astToString(await openapiTS(openapi));
  const service = file.replace(/\.json$/, "");
  const header = `// Generated from openapi/${file} by \`npm run generate:api\`: do not edit.\n\n`;
  await writeFile(new URL(`${service}.ts`, generated), header + types);
}
