# corpus_input.py CORPUS OUT: the ~10 MB input of the front end benchmarks (parse.sh,
# fmt.sh): every corpus file HashiCorp's parser accepts, each wrapped in a uniquely
# named block (so top-level attributes never clash), repeated until 10 MB.
import json, os, sys
corpus, out = sys.argv[1], sys.argv[2]
ok = {v["file"] for v in json.load(open(os.path.join(corpus, "verdicts.json"))) if v["ok"]}
files = sorted(f for f in os.listdir(os.path.join(corpus, "real")) if f in ok)
texts = [open(os.path.join(corpus, "real", f), encoding="utf-8").read() for f in files]
n, size = 0, 0
with open(out, "w", encoding="utf-8") as o:
    while size < 10 * 1000 * 1000:
        for t in texts:
            chunk = "wrap_%d {\n%s\n}\n" % (n, t)
            o.write(chunk)
            size += len(chunk.encode())
            n += 1
