// oracle.js FILE...: runs @cdktf/hcl2json (HashiCorp's parser in WebAssembly) on each
// file and prints one compact JSON document per line, or "ERROR: message".  Used by
// tests/bench/parse.sh for the speed comparison and by hand as a differential oracle.
// NODE_PATH must point at the node_modules holding @cdktf/hcl2json.
const fs = require("fs");
const { parse } = require("@cdktf/hcl2json");
(async () => {
	for (const f of process.argv.slice(2)) {
		try {
			const obj = await parse(f, fs.readFileSync(f, "utf8"));
			process.stdout.write(JSON.stringify(obj) + "\n");
		} catch (e) {
			process.stdout.write("ERROR: " + String(e).split("\n")[0] + "\n");
		}
	}
})();
