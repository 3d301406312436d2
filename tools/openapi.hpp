#pragma once
// The machine-readable contract: an OpenAPI 3.1 document (JSON Schema 2020-12) of the eight endpoints, generated
// from the reflected models, the endpoint traits and the validator's limits, so that it cannot drift from them.
// `tcchat schema [--strict]` prints it, `tcchat serve` answers GET /openapi.json with it, and docs/openapi.json
// is its committed copy (docs/contract.md).

#include <string>
#include <vector>

namespace tcchat::cli {

/// The document, pretty-printed with a trailing newline. `strict`: the limits and rules of
/// validation_limits::strict_profile() instead of the defaults.
std::string openapi_document(bool strict);

/// `tcchat schema [--strict]`: args[0] is "schema".
int run_schema(const std::vector<std::string>& args);

} // namespace tcchat::cli
