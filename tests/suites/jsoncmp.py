# jsoncmp.py EXPECTED ACTUAL: compares two JSON documents as unordered JSON (object key
# order ignored, numbers compared as doubles); prints the first differences and exits 1
# when they differ.  Used by corpus.sh.
import json, sys

def norm(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):
        return [norm(x) for x in v]
    return {k: norm(x) for k, x in v.items()}

def diff(a, b, path, out):
    if len(out) >= 5:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append("%s: unexpected key %r" % (path, k))
            elif k not in b:
                out.append("%s: missing key %r" % (path, k))
            else:
                diff(a[k], b[k], path + "." + k, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i), out)
    elif a != b:
        out.append("%s: expected %s, got %s" % (path, json.dumps(a)[:300], json.dumps(b)[:300]))

a = norm(json.load(open(sys.argv[1])))
b = norm(json.load(open(sys.argv[2])))
out = []
diff(a, b, "$", out)
print("\n".join(out))
sys.exit(1 if out else 0)
