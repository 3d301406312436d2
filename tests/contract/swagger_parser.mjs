// Checks the OpenAPI document with @apidevtools/swagger-parser, an OpenAPI validator from npm that nobody here
// wrote: it validates the whole document against the OpenAPI 3.1 schema and resolves every $ref.
// usage: node swagger_parser.mjs DOCUMENT (with the package installed under NODE_PATH or beside this file)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(process.env.TCCHAT_NPM_MODULES ? process.env.TCCHAT_NPM_MODULES + "/" : import.meta.url);
const SwaggerParser = require("@apidevtools/swagger-parser");

const path = process.argv[2];
const document = JSON.parse(readFileSync(path, "utf8"));
try {
  const api = await SwaggerParser.validate(document);
  const operations = Object.values(api.paths).length;
  console.log(`swagger-parser ${require("@apidevtools/swagger-parser/package.json").version}: ${path} is a valid ` +
              `OpenAPI ${api.openapi} document with ${operations} paths`);
} catch (error) {
  console.error(`swagger-parser rejects ${path}: ${error.message}`);
  process.exit(1);
}
