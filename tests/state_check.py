#!/usr/bin/env python3
"""state_check.py - validate litehcl state files against state/schema.json, offline.

    python3 tests/state_check.py FILE...          # exit 0 when every FILE is valid
    python3 tests/state_check.py --schema S FILE  # another schema

Implements the subset of JSON Schema (draft 2020-12) that state/schema.json uses:
boolean schemas, type (incl. integer), const, enum, properties, required,
additionalProperties, items, minItems, maxItems, minimum, minLength, pattern, anyOf,
oneOf, allOf, not, if/then/else, $ref to local "#/..." pointers, $defs.  An unknown
keyword in the schema is an error (so the checker never silently ignores a rule).
On top of the schema it checks what JSON Schema cannot say: no duplicate keys in any
object, each resource listed once, each instance key listed once per resource, and all
instances of a resource keyed the same way (none / numbers / strings).
"""
import json
import os
import re
import sys

ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "$comment"}
KNOWN = ANNOTATIONS | {
    "type", "const", "enum", "properties", "required", "additionalProperties", "items",
    "minItems", "maxItems", "minimum", "minLength", "pattern", "anyOf", "oneOf", "allOf",
    "not", "if", "then", "else", "$ref",
}


class SchemaError(Exception):
    pass


def is_type(v, t):
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t == "string":
        return isinstance(v, str)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "integer":
        if isinstance(v, bool):
            return False
        return isinstance(v, int) or (isinstance(v, float) and v.is_integer())
    raise SchemaError("unknown type %r" % t)


def resolve(root, ref):
    if not ref.startswith("#"):
        raise SchemaError("only local $ref supported: %r" % ref)
    node = root
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[part]
    return node


def equal(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def validate(root, schema, v, path, errs):
    """Appends 'path: message' strings to errs; returns True when v is valid."""
    if schema is True:
        return True
    if schema is False:
        errs.append("%s: not allowed here" % path)
        return False
    if not isinstance(schema, dict):
        raise SchemaError("schema at %s is not an object" % path)
    for k in schema:
        if k not in KNOWN:
            raise SchemaError("unsupported keyword %r" % k)
    n = len(errs)
    if "$ref" in schema:
        validate(root, resolve(root, schema["$ref"]), v, path, errs)
    if "type" in schema:
        ts = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(is_type(v, t) for t in ts):
            errs.append("%s: expected %s, got %s" % (path, " or ".join(ts), json.dumps(v)[:60]))
            return False
    if "const" in schema and not equal(v, schema["const"]):
        errs.append("%s: must be %s" % (path, json.dumps(schema["const"])))
    if "enum" in schema and not any(equal(v, e) for e in schema["enum"]):
        errs.append("%s: %s is not one of %s" % (path, json.dumps(v)[:60], json.dumps(schema["enum"])))
    if isinstance(v, str):
        if "minLength" in schema and len(v) < schema["minLength"]:
            errs.append("%s: shorter than %d" % (path, schema["minLength"]))
        if "pattern" in schema and not re.search(schema["pattern"], v):
            errs.append("%s: %s does not match %s" % (path, json.dumps(v)[:60], schema["pattern"]))
    if is_type(v, "number") and "minimum" in schema and v < schema["minimum"]:
        errs.append("%s: %s is below %s" % (path, v, schema["minimum"]))
    if isinstance(v, list):
        if "minItems" in schema and len(v) < schema["minItems"]:
            errs.append("%s: fewer than %d items" % (path, schema["minItems"]))
        if "maxItems" in schema and len(v) > schema["maxItems"]:
            errs.append("%s: more than %d items" % (path, schema["maxItems"]))
        if "items" in schema:
            for i, x in enumerate(v):
                validate(root, schema["items"], x, "%s[%d]" % (path, i), errs)
    if isinstance(v, dict):
        props = schema.get("properties", {})
        for r in schema.get("required", []):
            if r not in v:
                errs.append("%s: missing required %r" % (path, r))
        for k, x in v.items():
            if k in props:
                validate(root, props[k], x, "%s.%s" % (path, k), errs)
            elif "additionalProperties" in schema:
                ap = schema["additionalProperties"]
                if ap is False:
                    errs.append("%s: unexpected property %r" % (path, k))
                else:
                    validate(root, ap, x, "%s.%s" % (path, k), errs)
    for sub in schema.get("allOf", []):
        validate(root, sub, v, path, errs)
    if "anyOf" in schema:
        if not any(validate(root, s, v, path, []) for s in schema["anyOf"]):
            errs.append("%s: matches none of the allowed forms" % path)
    if "oneOf" in schema:
        c = sum(1 for s in schema["oneOf"] if validate(root, s, v, path, []))
        if c != 1:
            errs.append("%s: matches %d of the oneOf forms, not exactly 1" % (path, c))
    if "not" in schema and validate(root, schema["not"], v, path, []):
        errs.append("%s: matches a forbidden form" % path)
    if "if" in schema:
        if validate(root, schema["if"], v, path, []):
            if "then" in schema:
                validate(root, schema["then"], v, path, errs)
        elif "else" in schema:
            validate(root, schema["else"], v, path, errs)
    return len(errs) == n


def no_dups(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise ValueError("duplicate key %r" % k)
    return dict(pairs)


def extra_checks(doc, errs):
    seen = set()
    for i, r in enumerate(doc.get("resources") or []):
        if not isinstance(r, dict):
            continue
        rk = (r.get("module"), r.get("mode"), r.get("type"), r.get("name"))
        if rk in seen:
            errs.append("$.resources[%d]: resource %s.%s listed twice" % (i, r.get("type"), r.get("name")))
        seen.add(rk)
        # index keys of different kinds in one resource are allowed: Terraform leaves
        # them when a resource changed from count to for_each and a destroy failed
        keys = set()
        for j, ins in enumerate(r.get("instances") or []):
            if not isinstance(ins, dict):
                continue
            k = ins.get("index_key")
            kk = (json.dumps(k), ins.get("deposed"))
            if kk in keys:
                errs.append("$.resources[%d].instances[%d]: instance key %s listed twice" % (i, j, json.dumps(k)))
            keys.add(kk)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    schema_path = os.path.join(here, "..", "state", "schema.json")
    files = []
    it = iter(argv[1:])
    for a in it:
        if a == "--schema":
            schema_path = next(it)
        else:
            files.append(a)
    if not files:
        print("usage: state_check.py [--schema SCHEMA] FILE...", file=sys.stderr)
        return 2
    with open(schema_path) as f:
        schema = json.load(f)
    bad = 0
    for fn in files:
        errs = []
        try:
            with open(fn, "rb") as f:
                doc = json.loads(f.read().decode("utf-8"), object_pairs_hook=no_dups)
        except (OSError, ValueError) as e:
            errs.append("cannot read: %s" % e)
        else:
            validate(schema, schema, doc, "$", errs)
            extra_checks(doc, errs)
        if errs:
            bad += 1
            print("FAIL %s" % fn)
            for e in errs[:40]:
                print("    " + e)
        else:
            print("ok %s" % fn)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
