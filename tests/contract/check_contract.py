#!/usr/bin/python3
"""Checks tcchat's OpenAPI contract with Debian's python3-jsonschema, a validator nobody here wrote.

1. Every schema of the document is valid against the JSON Schema 2020-12 meta-schema.
2. Every documented sample (tests/fixtures/samples, requests and responses of all eight endpoints) validates.
3. Every invalid request of tests/fixtures/validation_cases.json is rejected by its endpoint's schema, by a
   keyword tagged with one of the rules the C++ validator reports for it, unless the case says the schema
   accepts it and why (a byte limit past what maxLength can state, or a rule listed as inexpressible).
4. The rules of the document (x-tcchat-rules, x-tcchat-inexpressible-rules) are exactly the rule ids the
   validator reports, command included, as the library exports them (`tcchat endpoints`, tcchat::rule_ids), so
   that neither can gain a rule the other lacks, and the cases break every one of them but string.utf8 (no JSON
   text carries ill-formed UTF-8; tests/test_validate.cpp covers it).

usage: check_contract.py DEFAULT_DOCUMENT STRICT_DOCUMENT REPOSITORY ENDPOINTS_JSON
"""
import json
import pathlib
import sys

import jsonschema


def load(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def rule_ids(node):
    """The ids a schema node is tagged with (none for a node without x-tcchat-rules)."""
    return {rule["id"] for rule in node.get("x-tcchat-rules", [])}


def tagged_rules(node, found):
    """Every x-tcchat-rules id under `node`."""
    if isinstance(node, dict):
        found |= rule_ids(node)
        for value in node.values():
            tagged_rules(value, found)
    elif isinstance(node, list):
        for value in node:
            tagged_rules(value, found)
    return found


def failed_rules(schema, error):
    """The rule ids tagged on the schema node whose keyword failed: the last tagged object on the error's schema
    path (a property, an array's items, the allOf clause of a conditional rule, or the message itself)."""
    node = schema
    found = rule_ids(node)
    for step in list(error.absolute_schema_path)[:-1]:
        node = node[step]
        if isinstance(node, dict) and "x-tcchat-rules" in node:
            found = rule_ids(node)
    return found


def main():
    default_doc, strict_doc, repository = load(sys.argv[1]), load(sys.argv[2]), pathlib.Path(sys.argv[3])
    problems = []

    # 1. the meta-schema
    for doc in (default_doc, strict_doc):
        for name, schema in doc["components"]["schemas"].items():
            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                problems.append(f"schema {name} is not valid JSON Schema 2020-12: {error.message}")
    schemas = default_doc["components"]["schemas"]
    print(f"meta-schema: {2 * len(schemas)} schemas checked")

    # 2. the documented samples
    samples = sorted((repository / "tests/fixtures/samples").glob("*.json"))
    for sample in samples:
        command, direction = sample.name.split(".")[:2]
        validator = jsonschema.Draft202012Validator(schemas[f"{command}.{direction}"])
        for error in validator.iter_errors(load(sample)):
            problems.append(f"sample {sample.name} fails its schema at {error.json_path}: {error.message}")
    print(f"samples: {len(samples)} validated")

    # 3. the invalid requests
    cases = load(repository / "tests/fixtures/validation_cases.json")["cases"]
    rejected = accepted = 0
    for case in cases:
        doc = strict_doc if case["profile"] == "strict" else default_doc
        schema = doc["components"]["schemas"][f"{case['command']}.request"]
        expected = {f"{case['command']}.{rule}" for rule in case["rules"]}
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(case["body"]))
        if case["schema"] == "accepts":
            accepted += 1
            if errors:
                problems.append(f"case '{case['name']}': expected the schema to accept it ({case['why']}), "
                                f"but it says: {errors[0].message}")
            continue
        rejected += 1
        if not errors:
            problems.append(f"case '{case['name']}': the schema accepts a body the validator rejects for {sorted(expected)}")
            continue
        named = set().union(*(failed_rules(schema, error) for error in errors))
        if not named & expected:
            problems.append(f"case '{case['name']}': rejected, but by rules {sorted(named)}, not {sorted(expected)}")
    print(f"invalid requests: {rejected} rejected by the schema, {accepted} accepted as documented")

    # 4. the same rules on both sides, full ids: a rule one command has cannot hide another's gap
    endpoints = load(sys.argv[4])
    validator_rules = {rule for endpoint in endpoints for rule in endpoint["rules"]}
    for label, doc in (("default", default_doc), ("strict", strict_doc)):
        documented = tagged_rules(doc["components"], set())
        for rule in doc["x-tcchat-inexpressible-rules"]:
            scope, rest = rule["id"].split(".", 1)
            commands = [endpoint["command"] for endpoint in endpoints] if scope == "*" else [scope]
            documented |= {f"{command}.{rest}" for command in commands}
        if documented != validator_rules:
            problems.append(f"{label} document: rules of the validator only: {sorted(validator_rules - documented)}; "
                            f"in the document only: {sorted(documented - validator_rules)}")
    # ... and the invalid requests exercise every rule but string.utf8, which no JSON text can carry: each rule
    # under some command (a shared rule such as contact_item.type is one check, whichever command carries it).
    untested = {rule.split(".", 1)[1] for rule in validator_rules} - {rule for case in cases for rule in case["rules"]}
    untested -= {"string.utf8"}
    if untested:
        problems.append(f"no case of validation_cases.json breaks these rules: {sorted(untested)}")
    print(f"rules: {len(validator_rules)} reported by the validator, {len(documented)} in the document")
    print("inexpressible: " + "; ".join(f"{rule['id']} ({rule['why']})" for rule in default_doc["x-tcchat-inexpressible-rules"]))

    for problem in problems:
        print("FAIL " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
