// visual.js REPORT_DIR - runs the reader code of a report built by @terraform-visual/cli
// (its web page's own modules, taken from the report's webpack chunks) on the document the
// report was built from (REPORT_DIR/plan.js), as the page does in a browser:
// TerraformPlan.fromJson, the intermediate graph of addresses, and each resource's action
// and attribute diff.  Prints one JSON line: {"ok":true,"actions":{...},"tree":[...],
// "fields":N} or {"ok":false,"error":"..."}; exits 0 either way (tests compare the two
// readings of Terraform's and litehcl's documents).  Used by tests/suites/readers.sh.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.resolve(process.argv[2]);
global.window = {};
const chunks = path.join(dir, '_next/static/chunks');
for (const f of fs.readdirSync(chunks)) {
	if (!f.endsWith('.js') || f.startsWith('webpack') || f.startsWith('polyfills') || f.startsWith('main')) continue;
	try { require(path.join(chunks, f)); } catch (e) { /* a framework chunk that needs a DOM */ }
}
const modules = {};
for (const c of window.webpackJsonp_N_E || []) Object.assign(modules, c[1]);
// The graph drawing library is only used to measure label sizes when drawing.
const stubs = { MNGV: {} };
const cache = {};
function req(id) {
	if (id in stubs) return stubs[id];
	if (cache[id]) return cache[id].exports;
	if (!modules[id]) throw new Error('module ' + id + ' not found');
	const m = cache[id] = { exports: {} };
	modules[id].call(m.exports, m, m.exports, req);
	return m.exports;
}
req.r = e => Object.defineProperty(e, '__esModule', { value: true });
req.d = (e, k, g) => { if (!Object.prototype.hasOwnProperty.call(e, k)) Object.defineProperty(e, k, { enumerable: true, get: g }); };
req.n = m => { const g = m && m.__esModule ? () => m.default : () => m; req.d(g, 'a', g); return g; };
req.o = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

function find(text) {
	const id = Object.keys(modules).find(k => modules[k].toString().includes(text));
	if (!id) throw new Error('the report has no module with ' + text);
	return req(id);
}

let out;
try {
	window.TF_PLAN = undefined;
	const src = fs.readFileSync(path.join(dir, 'plan.js'), 'utf8');
	new Function('window', src)(window);
	const entities = find('fromJsonStr').a;			// Entities (hfLc)
	const graph = find('fromTerraformPlanResourceChange');	// GraphData / IntermediateGraph
	const plan = entities.Utils.TerraformPlan.fromJson(window.TF_PLAN);
	const utils = entities.Utils.TerraformPlanResourceChangeChange;
	const actions = {};
	let fields = 0;
	for (const rc of plan.resource_changes) {
		const code = utils.getActionAlias(rc.change);
		const alias = entities.TerraformPlanResourceChangeChangeActionAlias[code] || code;
		actions[alias] = (actions[alias] || 0) + 1;
		fields += Object.keys(utils.getDiff(rc.change)).length;
	}
	const tree = [];
	(function walk(n, p) {
		for (const [k, c] of Object.entries(n.children)) {
			const q = p ? p + '.' + k : k;
			if (c.resource) tree.push(q);
			walk(c, q);
		}
	})(graph.IntermediateGraph.fromTerraformPlanResourceChange(plan.resource_changes), '');
	out = { ok: true, actions, tree, fields };
} catch (e) {
	out = { ok: false, error: String(e && e.message || e) };
}
console.log(JSON.stringify(out));
